package io.drainwatch.detector.topology;

import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads the first three fields of a single-object encoded {@link TransferEvent} (chain id, from, to)
 * in place, without decoding the record: the filter needs nothing else to drop the events that
 * concern nobody. Every released TransferEvent schema keeps these fields first (checked by a test).
 * Not thread-safe: one instance per processor.
 */
final class TransferPrefix {
    private static final int HEADER = 10;
    private static final int ADDRESS_LENGTH = 42;
    /** The current schema's first: what a writer of this release writes matches at the first compare. */
    private static final long[] FINGERPRINTS = Stream.concat(
                    Stream.of(TransferEvent.getClassSchema()),
                    AvroSerde.history(TransferEvent.getClassSchema()).stream())
            .mapToLong(SchemaNormalization::parsingFingerprint64)
            .toArray();

    long chainId;
    /** Offset of the 40 hex digits of the sender (after "0x"), or -1 when it is not an address. */
    int fromHex;
    /** Offset of the 40 hex digits of the recipient (after "0x"), or -1 when it is not an address. */
    int toHex;

    private int pos;

    /** Parses {@code bytes}; throws {@link SerializationException} if they are not a TransferEvent. */
    void parse(byte[] bytes) {
        if (bytes.length < HEADER + 3 || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            throw new SerializationException(
                    "not an Avro single-object encoded TransferEvent (bad header, " + bytes.length + " bytes)");
        }
        long fingerprint = 0;
        for (int i = 9; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        if (!known(fingerprint)) {
            throw new SerializationException("record was written with an unknown schema (fingerprint "
                    + Long.toHexString(fingerprint) + "), not a TransferEvent");
        }
        pos = HEADER;
        chainId = zigzag(bytes);
        fromHex = address(bytes);
        toHex = address(bytes);
    }

    private static boolean known(long fingerprint) {
        for (long f : FINGERPRINTS) {
            if (f == fingerprint) {
                return true;
            }
        }
        return false;
    }

    private int address(byte[] bytes) {
        long length = zigzag(bytes);
        if (length < 0 || pos + length > bytes.length) {
            throw new SerializationException(
                    "truncated TransferEvent: string of " + length + " bytes at offset " + pos);
        }
        int start = pos;
        pos += (int) length;
        return length == ADDRESS_LENGTH && bytes[start] == '0' && (bytes[start + 1] == 'x' || bytes[start + 1] == 'X')
                ? start + 2
                : -1;
    }

    private long zigzag(byte[] bytes) {
        long raw = 0;
        int shift = 0;
        while (true) {
            if (pos >= bytes.length || shift > 63) {
                throw new SerializationException("truncated TransferEvent: bad varint at offset " + pos);
            }
            int b = bytes[pos++];
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }
}
