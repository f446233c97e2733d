package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.ConfigException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A role's command-line options as a configuration layer: each option given sets one key. It also
 * knows which option sets which key, so an error about a key names the option too
 * ({@code relay.repost-interval (--repost-interval): ...}).
 */
final class OptionLayer {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> optionOf = new HashMap<>();

    /** {@code option} sets {@code key}; {@code value} is null when the option was not given. */
    OptionLayer option(String option, String key, @Nullable Object value) {
        optionOf.put(key, option);
        if (value != null) {
            values.put(key, value instanceof List<?> list ? join(list) : String.valueOf(value));
        }
        return this;
    }

    /** Entries of a {@code NAME=VALUE} option, each setting {@code prefix + NAME}. */
    OptionLayer entries(String option, String prefix, Map<String, String> given) {
        given.forEach((name, value) -> {
            optionOf.put(prefix + name, option + " " + name);
            values.put(prefix + name, value);
        });
        return this;
    }

    /** Another layer's keys and options, added to these. */
    OptionLayer with(OptionLayer other) {
        values.putAll(other.values);
        optionOf.putAll(other.optionOf);
        return this;
    }

    Map<String, String> values() {
        return Map.copyOf(values);
    }

    /** {@code e}, naming the option of its key when there is one. */
    ConfigException named(ConfigException e) {
        String option = optionOf.get(e.key());
        return option == null ? e : e.withOption(option);
    }

    private static String join(List<?> list) {
        return String.join(",", list.stream().map(String::valueOf).toList());
    }
}
