package io.drainwatch.detector.cli;

import io.drainwatch.detector.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration option in the one syntax of {@link Durations}: 500ms, 30s, 10m, 2h, 1d or ISO-8601. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.read(value)
                .filter(d -> !d.isNegative() && !d.isZero())
                .orElseThrow(() ->
                        new TypeConversionException("'" + value + "' is not a duration; accepted: " + Durations.FORMS));
    }
}
