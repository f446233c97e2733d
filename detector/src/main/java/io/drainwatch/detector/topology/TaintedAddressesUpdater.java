package io.drainwatch.detector.topology;

import io.drainwatch.detector.topic.Topic;
import io.drainwatch.schemas.DrainAlert;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Applies the alerts topic to the global tainted-addresses store. A record that does not decode as an
 * alert throws before the store is touched, so the exception handler sends it to the dead-letter topic
 * (as for the reference tables) instead of it being skipped unseen.
 */
final class TaintedAddressesUpdater implements Processor<byte[], byte[], Void, Void> {
    private final Topic<DrainAlert> alerts;
    private TaintedAddressesStore store;

    TaintedAddressesUpdater(Topic<DrainAlert> alerts) {
        this.alerts = alerts;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(TaintedAddressesStore.NAME);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() != null) {
            store.apply(alerts.decode(record.value()));
        }
    }
}
