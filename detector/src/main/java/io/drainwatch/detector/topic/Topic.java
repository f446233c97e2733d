package io.drainwatch.detector.topic;

import io.drainwatch.schemas.serde.AvroSerde;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One of drainwatch's topics: its name, the Avro type of its values and their serde, how its
 * records are keyed (the key of a value, and the format in words for the documentation and errors),
 * and whether it is a compacted table or a stream. Writers send {@link #record}s, readers decode with
 * {@link #serde}: the two sides share this one description.
 *
 * @param <V> the value type
 */
public final class Topic<V extends SpecificRecord> {
    private final String name;
    private final Class<V> type;
    private final boolean compacted;
    private final String keyFormat;
    private final Function<V, String> keyOf;
    private final AvroSerde<V> serde;

    Topic(String name, Class<V> type, boolean compacted, String keyFormat, Function<V, String> keyOf) {
        this.name = name;
        this.type = type;
        this.compacted = compacted;
        this.keyFormat = keyFormat;
        this.keyOf = keyOf;
        this.serde = AvroSerde.of(type);
    }

    public String name() {
        return name;
    }

    public Class<V> type() {
        return type;
    }

    /** A table (compacted: the latest record per key counts) rather than a stream. */
    public boolean compacted() {
        return compacted;
    }

    /** The key format in words, for example {@code chainId:address}. */
    public String keyFormat() {
        return keyFormat;
    }

    /** The serde of the values: single-object Avro, resolving every released schema version. */
    public AvroSerde<V> serde() {
        return serde;
    }

    /** The key of {@code value} on this topic. */
    public String key(V value) {
        return keyOf.apply(value);
    }

    /** {@code value} as a record of this topic: its key and its encoded bytes. */
    public ProducerRecord<String, byte[]> record(V value) {
        return new ProducerRecord<>(name, key(value), serde.encode(value));
    }

    /** The value of a record of this topic. */
    public V decode(byte[] bytes) {
        return serde.decode(bytes);
    }

    @Override
    public String toString() {
        return name + " (" + type.getSimpleName() + " by " + keyFormat + (compacted ? ", compacted)" : ")");
    }
}
