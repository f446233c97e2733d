package io.drainwatch.detector.refdata;

import java.util.Map;
import java.util.Optional;

/** The fields of one data row by column name, trimmed of surrounding whitespace. */
public final class RowFields {
    private final Map<String, String> byColumn;

    RowFields(Map<String, String> byColumn) {
        this.byColumn = Map.copyOf(byColumn);
    }

    /** For tests and callers that build rows themselves. */
    public static RowFields of(Map<String, String> byColumn) {
        return new RowFields(byColumn);
    }

    /** A required column's value; rejects the row when it is empty. */
    public String required(String column) throws RowRejected {
        String value = byColumn.getOrDefault(column, "").strip();
        if (value.isEmpty()) {
            throw new RowRejected(column + " is empty");
        }
        return value;
    }

    /** An optional column's value; empty when the column is absent or blank. */
    public Optional<String> optional(String column) {
        String value = byColumn.getOrDefault(column, "").strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
