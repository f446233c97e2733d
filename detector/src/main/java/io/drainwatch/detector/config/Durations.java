package io.drainwatch.detector.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one duration syntax of every setting and option: a number and a unit ({@code 500ms},
 * {@code 1.5s}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}) or, for compatibility, ISO-8601
 * ({@code PT10M}).
 */
public final class Durations {
    /** The accepted forms, as error messages list them. */
    public static final String FORMS = "500ms, 30s, 10m, 2h, 1d or ISO-8601 like PT10M";

    private Durations() {}

    /** The positive duration {@code value} of {@code key}; the error names the key and the accepted forms. */
    public static Duration positive(String key, String value) {
        Duration d = read(value)
                .orElseThrow(() -> new ConfigException(key, "'" + value + "' is not a duration; accepted: " + FORMS));
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key, "'" + value + "' is not a positive duration; accepted: " + FORMS);
        }
        return d;
    }

    /** {@code raw} as a duration, or empty when it is in none of the accepted forms. */
    public static Optional<Duration> read(String raw) {
        String v = raw.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p") || v.startsWith("-p")) {
                return Optional.of(Duration.parse(v.toUpperCase(Locale.ROOT)));
            }
            int unitAt = unitStart(v);
            if (unitAt <= 0) {
                return Optional.empty();
            }
            BigDecimal amount = new BigDecimal(v.substring(0, unitAt).strip());
            long millisPerUnit = switch (v.substring(unitAt)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                default -> -1L;
            };
            if (millisPerUnit < 0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(
                    amount.multiply(BigDecimal.valueOf(millisPerUnit)).longValueExact()));
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static int unitStart(String v) {
        int i = v.length();
        while (i > 0 && Character.isLetter(v.charAt(i - 1))) {
            i--;
        }
        return i == v.length() ? -1 : i;
    }
}
