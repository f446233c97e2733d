package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.Payment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockOrderGateTest {
    @TempDir
    Path stateDir;

    private KeyValueStore<String, SourceWatermark> watermarks;
    private KeyValueStore<String, DestinationProcessor.Held> held;

    @BeforeEach
    void openStores() {
        MockProcessorContext<Void, Void> context = context();
        watermarks = store(context, "watermarks", SourceWatermark.class);
        held = store(context, "held", DestinationProcessor.Held.class);
    }

    /**
     * A tick a stage's pacer held back is lost when its task stops, so a task that starts again on its
     * stores sends the watermarks they kept: the next stage does not wait for the chain's next tick, or
     * for the maximum wait, to let go of what it holds.
     */
    @Test
    void aGateOpenedOnItsStoresGivesTheTicksToSendAgain() {
        BlockOrderGate<DestinationProcessor.Held> gate = gate();
        gate.tick(new BlockTick(1, 10, 0, 2), 0);
        assertThat(gate.current(3)).as("one of two sources has ticked").isEmpty();
        gate.tick(new BlockTick(1, 12, 1, 2), 0);
        gate.tick(new BlockTick(137, 500, 0, 1), 0);

        assertThat(gate().current(3))
                .containsExactlyInAnyOrder(new BlockTick(1, 10, 3, 2), new BlockTick(137, 500, 3, 1));
    }

    /**
     * The gate keeps count of what it holds beside its store, to skip reading the store on ticks that let
     * nothing go; a gate opened on a store that holds items counts them, so a tick still lets them go.
     */
    @Test
    void aTickLetsGoWhatTheStoreHeldBeforeTheGateOpenedAndNothingAboveTheWatermark() {
        BlockOrderGate<DestinationProcessor.Held> first = gate();
        first.tick(new BlockTick(1, 9, 0, 1), 0);
        first.hold(held(12, "a"));
        first.hold(held(11, "b"));
        first.hold(held(14, "c"));
        first.hold(held(13, "d"));
        assertThat(first.drop(held(13, "d"))).isTrue();
        assertThat(first.drop(held(13, "d"))).as("already gone").isFalse();
        assertThat(first.tick(new BlockTick(1, 10, 0, 1), 0).orElseThrow().released())
                .as("nothing held through block 10")
                .isEmpty();

        BlockOrderGate<DestinationProcessor.Held> reopened = gate();
        assertThat(reopened.tick(new BlockTick(1, 13, 0, 1), 0).orElseThrow().released())
                .extracting(h -> h.payment().eventId())
                .containsExactly("b", "a");
        assertThat(reopened.tick(new BlockTick(1, 20, 0, 1), 0).orElseThrow().released())
                .extracting(h -> h.payment().eventId())
                .containsExactly("c");
        assertThat(reopened.overdue(1_000_000)).isEmpty();
    }

    private static DestinationProcessor.Held held(long block, String eventId) {
        Payment p = new Payment(
                1, "0xw", "retail", "0xd", eventId, "0xt", block, 0, "native", BigInteger.ONE, 18, 1.0, false, false);
        return new DestinationProcessor.Held(p, 0, 0);
    }

    private BlockOrderGate<DestinationProcessor.Held> gate() {
        return new BlockOrderGate<>(
                watermarks, held, 5_000, 0, "destination", "9_0", new DetectorMetrics(new SimpleMeterRegistry()));
    }

    private MockProcessorContext<Void, Void> context() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "gate-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new MockProcessorContext<>(config, new TaskId(9, 0), stateDir.toFile());
    }

    private static <V> KeyValueStore<String, V> store(
            MockProcessorContext<Void, Void> context, String name, Class<V> type) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), JsonSerde.of(type))
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
