package io.drainwatch.detector.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A flat, immutable view of string settings with typed getters whose errors name the key and what it
 * accepts. Every typed read of a malformed value throws {@link ConfigException}.
 */
public final class Settings {
    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key)).map(String::strip);
    }

    public String string(String key) {
        return find(key).filter(v -> !v.isEmpty()).orElseThrow(() -> new ConfigException(key, "is required"));
    }

    public boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "'" + v + "' is not a boolean; accepted: true, false");
        };
    }

    public int positiveInt(String key) {
        String v = string(key);
        try {
            int i = Integer.parseInt(v);
            if (i > 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key, "'" + v + "' is not a positive whole number");
    }

    public double nonNegativeDouble(String key) {
        String v = string(key);
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key, "'" + v + "' is not a number >= 0");
    }

    public double fraction(String key) {
        double d = nonNegativeDouble(key);
        if (d > 1) {
            throw new ConfigException(key, "'" + d + "' is not a fraction between 0 and 1");
        }
        return d;
    }

    /** A positive duration in the one syntax of {@link Durations}: 500ms, 30s, 10m, 2h, 1d or ISO-8601. */
    public Duration duration(String key) {
        return Durations.positive(key, string(key));
    }

    /** A whole number. */
    public long wholeNumber(String key) {
        String v = string(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + v + "' is not a whole number");
        }
    }

    /** A whole number that fits an {@code int}. */
    public int integer(String key) {
        long v = wholeNumber(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ConfigException(key, "'" + v + "' is out of range");
        }
        return (int) v;
    }

    /** A number. */
    public double number(String key) {
        String v = string(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key, "'" + v + "' is not a number");
    }

    /**
     * A port to serve on: 1-65535, 0 for a free port chosen at start, -1 for none (the endpoint is
     * off).
     */
    public int port(String key) {
        String v = string(key);
        try {
            int p = Integer.parseInt(v);
            if (p >= -1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(
                key, "'" + v + "' is not a port; accepted: 1-65535, 0 picks a free port, -1 serves none");
    }

    /** A value that may be absent or empty. */
    public Optional<String> optional(String key) {
        return find(key).filter(v -> !v.isEmpty());
    }

    /** Comma-separated values, blanks dropped; empty when the key is absent or empty. */
    public List<String> list(String key) {
        return Arrays.stream(find(key).orElse("").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** One or more comma-separated values, each of which must be in {@code accepted}. */
    public Set<String> choices(String key, Set<String> accepted) {
        List<String> given = Arrays.stream(string(key).split(","))
                .map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .toList();
        for (String g : given) {
            if (!accepted.contains(g)) {
                throw new ConfigException(
                        key,
                        "'" + g + "' is not accepted; accepted: "
                                + String.join(", ", new java.util.TreeSet<>(accepted)));
            }
        }
        return Set.copyOf(given);
    }

    /** Entries under {@code prefix}, with the prefix removed. */
    public Map<String, String> under(String prefix) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(
                        e -> e.getKey().substring(prefix.length()), Map.Entry::getValue, (a, b) -> b, TreeMap::new));
    }
}
