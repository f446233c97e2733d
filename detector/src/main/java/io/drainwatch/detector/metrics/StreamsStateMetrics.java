package io.drainwatch.detector.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code drainwatch_streams_state{state}}: 1 for the current {@link KafkaStreams.State}, 0 for every
 * other, read at scrape time so it needs no state listener (the application keeps its own).
 */
public final class StreamsStateMetrics {
  /** The gauge's name as Prometheus shows it. */
  public static final String NAME = "drainwatch_streams_state";

  private StreamsStateMetrics() {}

  /** Registers one gauge per state of {@code streams}. */
  public static void bindTo(MeterRegistry registry, KafkaStreams streams) {
    for (KafkaStreams.State state : KafkaStreams.State.values()) {
      Gauge.builder("drainwatch.streams.state", streams, s -> s.state() == state ? 1 : 0)
          .description("1 for the Kafka Streams application's current state, 0 otherwise")
          .tag("state", state.name())
          .register(registry);
    }
  }
}
