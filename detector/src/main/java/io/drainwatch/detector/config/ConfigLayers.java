package io.drainwatch.detector.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the detector's settings from layers, each overriding the one before: built-in defaults,
 * a properties file, {@code DRAINWATCH_*} environment variables, then command-line {@code --set}
 * values. Environment names map mechanically onto keys: strip {@code DRAINWATCH_}, lowercase,
 * {@code __} becomes {@code -} and {@code _} becomes {@code .}
 * ({@code DRAINWATCH_RULES_BALANCE__DRAIN_MIN__USD} is {@code rules.balance-drain.min-usd};
 * {@code DRAINWATCH_KAFKA_STATE_DIR} is {@code kafka.state.dir}).
 */
public final class ConfigLayers {
    private static final String ENV_PREFIX = "DRAINWATCH_";
    /**
     * Environment variables of the launcher, the CLI and the other roles, which are not detector
     * settings (a deployment may hand every role the same environment).
     */
    private static final java.util.Set<String> NOT_SETTINGS = java.util.Set.of(
            "DRAINWATCH_BOOTSTRAP_SERVERS",
            "DRAINWATCH_JAVA_OPTS",
            "DRAINWATCH_LOG_LEVEL",
            "DRAINWATCH_ALERTMANAGER_URLS",
            "DRAINWATCH_DASHBOARD_URL",
            "DRAINWATCH_RUNBOOK_BASE_URL",
            "DRAINWATCH_RPC_URLS",
            "DRAINWATCH_WS_URL");

    private ConfigLayers() {}

    /** The built-in defaults. */
    public static Map<String, String> defaults() {
        Properties props = new Properties();
        try (InputStream in = ConfigLayers.class.getResourceAsStream("/io/drainwatch/detector/defaults.properties")) {
            props.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("built-in defaults missing from the jar", e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
        return map;
    }

    /** Settings from a properties file. */
    public static Map<String, String> file(Path path) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + path + ": " + e.getMessage());
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
        return map;
    }

    /** Settings from {@code DRAINWATCH_*} variables of {@code env}. */
    public static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> map = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && !NOT_SETTINGS.contains(name)) {
                map.put(envToKey(name), value);
            }
        });
        return map;
    }

    static String envToKey(String name) {
        return name.substring(ENV_PREFIX.length())
                .toLowerCase(Locale.ROOT)
                .replace("__", "\u0000")
                .replace('_', '.')
                .replace('\u0000', '-');
    }

    /** Merges layers in order, later ones winning. */
    @SafeVarargs
    public static Map<String, String> merge(Map<String, String>... layers) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (Map<String, String> layer : layers) {
            merged.putAll(layer);
        }
        return merged;
    }
}
