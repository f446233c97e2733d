package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Payment;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** What the per-destination stage receives from the wallet stage: a payment, or the wallet stage's progress. */
sealed interface DestinationEvent {
    /** A watched wallet paid (or, {@code removed}, a reorganisation took the payment away). */
    record Pay(Payment payment) implements DestinationEvent {}

    /** A wallet task has handed on every payment of a chain through a block. */
    record Tick(BlockTick tick) implements DestinationEvent {}

    /**
     * A payment is its JSON (as before ticks existed, so records written then still decode); a tick is
     * the byte {@code K} and its JSON.
     */
    final class DestinationEventSerde implements Serde<DestinationEvent> {
        private static final byte TICK = 'K';
        private final JsonSerde<Payment> payments = JsonSerde.of(Payment.class);
        private final JsonSerde<BlockTick> ticks = JsonSerde.of(BlockTick.class);

        @Override
        public Serializer<DestinationEvent> serializer() {
            return (topic, event) -> switch (event) {
                case null -> null;
                case Pay p -> payments.serializer().serialize(topic, p.payment());
                case Tick t -> {
                    byte[] body = ticks.serializer().serialize(topic, t.tick());
                    byte[] bytes = new byte[body.length + 1];
                    bytes[0] = TICK;
                    System.arraycopy(body, 0, bytes, 1, body.length);
                    yield bytes;
                }
            };
        }

        @Override
        public Deserializer<DestinationEvent> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null || bytes.length == 0) {
                    return null;
                }
                if (bytes[0] == TICK) {
                    return new Tick(
                            ticks.deserializer().deserialize(topic, Arrays.copyOfRange(bytes, 1, bytes.length)));
                }
                if (bytes[0] == '{') {
                    return new Pay(payments.deserializer().deserialize(topic, bytes));
                }
                throw new SerializationException("unknown destination event tag " + bytes[0]);
            };
        }
    }
}
