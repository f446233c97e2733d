package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.metrics.DetectorMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockOrderGateTest {
    @TempDir
    Path stateDir;

    /**
     * A tick a stage's pacer held back is lost when its task stops, so a task that starts again on its
     * stores sends the watermarks they kept: the next stage does not wait for the chain's next tick, or
     * for the maximum wait, to let go of what it holds.
     */
    @Test
    void aGateOpenedOnItsStoresGivesTheTicksToSendAgain() {
        MockProcessorContext<Void, Void> context = context();
        KeyValueStore<String, SourceWatermark> watermarks = store(context, "watermarks", SourceWatermark.class);
        KeyValueStore<String, DestinationProcessor.Held> held = store(context, "held", DestinationProcessor.Held.class);
        BlockOrderGate<DestinationProcessor.Held> gate = gate(watermarks, held);
        gate.tick(new BlockTick(1, 10, 0, 2), 0);
        assertThat(gate.current(3)).as("one of two sources has ticked").isEmpty();
        gate.tick(new BlockTick(1, 12, 1, 2), 0);
        gate.tick(new BlockTick(137, 500, 0, 1), 0);

        assertThat(gate(watermarks, held).current(3))
                .containsExactlyInAnyOrder(new BlockTick(1, 10, 3, 2), new BlockTick(137, 500, 3, 1));
    }

    private static BlockOrderGate<DestinationProcessor.Held> gate(
            KeyValueStore<String, SourceWatermark> watermarks, KeyValueStore<String, DestinationProcessor.Held> held) {
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
