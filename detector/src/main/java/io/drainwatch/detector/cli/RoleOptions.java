package io.drainwatch.detector.cli;

import picocli.CommandLine.Mixin;

/**
 * The options every long-running role ({@code detect}, {@code ingest}, {@code relay}) takes: how to
 * reach Kafka, the layered settings ({@code --config}, {@code --set}) and where to serve metrics.
 */
final class RoleOptions {
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    @Mixin
    MetricsOptions metrics = new MetricsOptions();
}
