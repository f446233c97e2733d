package io.drainwatch.detector.topic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

/**
 * A progress tick of the transfers topic: the writer of {@code chainId} has written every event of
 * that chain through {@code block}. One goes to every partition after a step's events, in the same
 * transaction, so a reader that meets it in a partition has read that partition's events through the
 * block; another, through the block before the step's, goes ahead of them, so a reader starting on the
 * topic meets a tick of the chain before its events. On the wire it has a key that is no address ({@code chainId:tick}), no value, and a header
 * {@value #HEADER} holding {@code chainId:block:partitions} in ASCII, where {@code partitions} is how
 * many partitions the writer ticked. Readers of transfers skip records without a value.
 */
public record ProgressTick(long chainId, long block, int partitions) {
    /** The header that marks a tick. */
    public static final String HEADER = "drainwatch.tick";

    private static final byte[] KEY_SUFFIX = ":tick".getBytes(StandardCharsets.US_ASCII);

    public ProgressTick {
        if (block < 0 || partitions < 1) {
            throw new IllegalArgumentException("a tick needs a block >= 0 and partitions >= 1");
        }
    }

    /** The key of a chain's ticks: {@code chainId:tick}, which no {@code chainId:0x...} address key can equal. */
    public static String key(long chainId) {
        return chainId + ":tick";
    }

    /**
     * The chain of a tick's key as it is on the wire ({@code chainId:tick} in ASCII), read in place, or -1
     * when {@code key} is no tick's key: how a reader that passes on or drops ticks by the thousand tells
     * them apart without decoding headers.
     */
    public static long chainOfKey(byte @Nullable [] key) {
        if (key == null) {
            return -1;
        }
        int digits = key.length - KEY_SUFFIX.length;
        if (digits < 1 || digits > 18) {
            return -1;
        }
        for (int i = 0; i < KEY_SUFFIX.length; i++) {
            if (key[digits + i] != KEY_SUFFIX[i]) {
                return -1;
            }
        }
        long chain = 0;
        for (int i = 0; i < digits; i++) {
            int d = key[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            chain = chain * 10 + d;
        }
        return chain;
    }

    /** One record per partition of {@code topic}, each partition's own. */
    public List<ProducerRecord<String, byte[]>> records(String topic) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(HEADER, encode());
            records.add(new ProducerRecord<>(topic, p, key(chainId), null, headers));
        }
        return records;
    }

    /** The header's value. */
    public byte[] encode() {
        return (chainId + ":" + block + ":" + partitions).getBytes(StandardCharsets.US_ASCII);
    }

    /** The tick that {@code headers} carry, if they carry a well-formed one. */
    public static Optional<ProgressTick> of(Headers headers) {
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        String[] parts = new String(header.value(), StandardCharsets.US_ASCII).split(":", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new ProgressTick(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
