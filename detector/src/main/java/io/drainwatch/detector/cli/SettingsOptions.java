package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigLayers;
import io.drainwatch.detector.config.Role;
import io.drainwatch.detector.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The layered settings of a role ({@code detect}, {@code ingest}, {@code relay}): {@code --config FILE}
 * and {@code --set KEY=VALUE}, shared as a picocli mixin. The order of the layers is that of
 * {@link ConfigLayers#settings}: defaults, file, {@code DRAINWATCH_*} variables, options, {@code --set}.
 */
public final class SettingsOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Settings file (properties); the role's defaults file lists every key.")
    @Nullable
    Path config;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "Set one setting, after the file, DRAINWATCH_* variables and the other options.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The settings of {@code role} with {@code options} (the command's own options as keys) and {@code env}. */
    Settings settings(Role role, OptionLayer options, Map<String, String> env) {
        try {
            return ConfigLayers.settings(role, config, env, options.values(), overrides);
        } catch (io.drainwatch.detector.config.ConfigException e) {
            throw options.named(e);
        }
    }
}
