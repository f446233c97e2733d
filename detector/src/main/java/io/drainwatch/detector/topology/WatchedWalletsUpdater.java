package io.drainwatch.detector.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Applies live changes of the wallets topic to the global watched-wallets store. */
final class WatchedWalletsUpdater implements Processor<byte[], byte[], Void, Void> {
    private WatchedWalletsStore store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(WatchedWalletsStore.NAME);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        store.apply(record.key(), record.value());
    }
}
