package io.drainwatch.detector.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
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

    /** A duration written as ISO-8601 (PT10M) or as a number with a unit: 500ms, 30s, 10m, 2h, 1d. */
    public Duration duration(String key) {
        String v = string(key);
        Duration d = parseDuration(v);
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException(
                    key,
                    "'" + v + "' is not a positive duration; accepted: 500ms, 30s, 10m, 2h, 1d or ISO-8601 like PT10M");
        }
        return d;
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

    static Duration parseDuration(String raw) {
        String v = raw.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> null;
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }
}
