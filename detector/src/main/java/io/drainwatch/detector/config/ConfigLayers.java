package io.drainwatch.detector.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds a role's settings from layers, each overriding the one before: the role's built-in defaults
 * ({@link Role#defaults()}), a properties file ({@code --config}), {@code DRAINWATCH_*} environment
 * variables, the role's command-line options, then {@code --set} values. A key the role does not read
 * stops start-up, naming the key.
 *
 * <p>Environment names map mechanically onto keys: strip {@code DRAINWATCH_}, lowercase, {@code __}
 * becomes {@code -} and {@code _} becomes {@code .} ({@code DRAINWATCH_RULES_BALANCE__DRAIN_MIN__USD}
 * is {@code rules.balance-drain.min-usd}; {@code DRAINWATCH_KAFKA_STATE_DIR} is {@code kafka.state.dir};
 * {@code DRAINWATCH_RPC_URLS} is {@code rpc.urls}). A deployment may hand every role the same
 * environment: a variable whose key another role reads and this one does not is left to that role.
 */
public final class ConfigLayers {
    private static final String ENV_PREFIX = "DRAINWATCH_";
    /** Variables of the launcher and of every command, which are not settings of any role. */
    private static final Set<String> NOT_SETTINGS = Set.of(
            "DRAINWATCH_BOOTSTRAP_SERVERS",
            "DRAINWATCH_JAVA_OPTS",
            "DRAINWATCH_LOG_LEVEL",
            StateDirectory.DATA_DIR_ENV);

    private ConfigLayers() {}

    /** The detector's built-in defaults. */
    public static Map<String, String> defaults() {
        return Role.DETECT.defaults();
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

    /** The detector's settings from {@code DRAINWATCH_*} variables of {@code env}. */
    public static Map<String, String> environment(Map<String, String> env) {
        return environment(Role.DETECT, env);
    }

    /** The settings of {@code role} from {@code DRAINWATCH_*} variables of {@code env}. */
    public static Map<String, String> environment(Role role, Map<String, String> env) {
        SettingKeys own = role.keys();
        List<SettingKeys> others =
                EnumSet.complementOf(EnumSet.of(role)).stream().map(Role::keys).toList();
        Map<String, String> map = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX) || NOT_SETTINGS.contains(name)) {
                return;
            }
            String key = envToKey(name);
            boolean anotherRoles = !own.accepts(key) && others.stream().anyMatch(k -> k.accepts(key));
            if (!anotherRoles) {
                map.put(key, value);
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

    /**
     * The settings of {@code role} in the documented order: defaults, {@code file}, the {@code DRAINWATCH_*}
     * variables of {@code env}, {@code options} (the role's command-line options as keys), then
     * {@code set} ({@code --set KEY=VALUE}). Stops on the first key the role does not read.
     */
    public static Settings settings(
            Role role,
            @Nullable Path file,
            Map<String, String> env,
            Map<String, String> options,
            Map<String, String> set) {
        Map<String, String> merged =
                merge(role.defaults(), file == null ? Map.of() : file(file), environment(role, env), options, set);
        role.keys().check(merged.keySet());
        return new Settings(merged);
    }
}
