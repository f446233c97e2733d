package io.drainwatch.detector.topology;

import io.drainwatch.detector.topic.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one reference table's global store: a record replaces its key's entry, a tombstone removes it.
 * A value that does not decode throws before the store is touched, so the entry keeps its last good
 * value and the exception handler sends the record to the dead-letter topic. (A {@code globalTable}
 * copies the bytes into its store unread, so one bad record under a key the rules look up would fail
 * every event that looks it up.)
 *
 * @param <V> the table's value type
 */
final class ReferenceTableUpdater<V extends SpecificRecord> implements Processor<String, byte[], Void, Void> {
    private final String storeName;
    private final Topic<V> topic;
    private KeyValueStore<String, V> store;

    ReferenceTableUpdater(String storeName, Topic<V> topic) {
        this.storeName = storeName;
        this.topic = topic;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            throw new IllegalArgumentException("a record of " + topic.name() + " without a key");
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        store.put(record.key(), topic.decode(record.value()));
    }
}
