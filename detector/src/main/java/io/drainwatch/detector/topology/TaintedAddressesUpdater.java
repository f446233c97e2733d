package io.drainwatch.detector.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Applies the alerts topic to the global tainted-addresses store. */
final class TaintedAddressesUpdater implements Processor<byte[], byte[], Void, Void> {
    private TaintedAddressesStore store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(TaintedAddressesStore.NAME);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        store.apply(record.key(), record.value());
    }
}
