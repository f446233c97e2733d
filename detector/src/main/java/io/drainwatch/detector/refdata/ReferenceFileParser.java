package io.drainwatch.detector.refdata;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an operator file of one {@link ReferenceFormat}: checks the header, turns each data row into
 * a keyed record or a {@link RowError}, and rejects every row of a key that appears more than once
 * (which of them the operator meant cannot be told).
 */
public final class ReferenceFileParser<T> {
    private final ReferenceFormat<T> format;

    public ReferenceFileParser(ReferenceFormat<T> format) {
        this.format = format;
    }

    /**
     * Parses {@code in}, naming it {@code file} in errors.
     *
     * @throws FileFormatException when the header is missing, repeats a column, lacks a required
     *     column or has a column the format does not know
     */
    public ParsedFile<T> parse(String file, Reader in, ImportMode mode) throws IOException {
        List<CsvReader.Row> rows = CsvReader.readAll(in);
        int first = 0;
        while (first < rows.size()
                && rows.get(first).blank()
                && !rows.get(first).malformed()) {
            first++;
        }
        if (first == rows.size()) {
            throw new FileFormatException(file, "no header row (the file is empty)");
        }
        List<String> header = header(file, rows.get(first), mode);

        List<ReferenceRecord<T>> accepted = new ArrayList<>();
        List<RowError> rejected = new ArrayList<>();
        for (CsvReader.Row row : rows.subList(first + 1, rows.size())) {
            if (row.malformed()) {
                rejected.add(new RowError(file, row.line(), row.problem()));
                continue;
            }
            if (row.blank()) {
                continue;
            }
            if (row.fields().size() != header.size()) {
                rejected.add(new RowError(
                        file, row.line(), "has " + row.fields().size() + " fields, the header has " + header.size()));
                continue;
            }
            Map<String, String> byColumn = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                byColumn.put(header.get(i), row.fields().get(i));
            }
            RowFields fields = new RowFields(byColumn);
            try {
                String key = format.key(fields);
                Optional<T> value = mode == ImportMode.UPSERT ? Optional.of(format.value(fields)) : Optional.empty();
                accepted.add(new ReferenceRecord<>(row.line(), key, value));
            } catch (RowRejected e) {
                rejected.add(new RowError(file, row.line(), String.valueOf(e.getMessage())));
            }
        }
        return withoutDuplicates(file, accepted, rejected);
    }

    private List<String> header(String file, CsvReader.Row row, ImportMode mode) {
        if (row.malformed()) {
            throw new FileFormatException(file, "line " + row.line() + ": header row: " + row.problem());
        }
        List<String> header = row.fields().stream()
                .map(f -> f.strip().toLowerCase(Locale.ROOT))
                .toList();
        Set<String> known = new LinkedHashSet<>(format.keyColumns());
        known.addAll(format.valueColumns());
        known.addAll(format.optionalColumns());
        Set<String> seen = new LinkedHashSet<>();
        for (String column : header) {
            if (!seen.add(column)) {
                throw new FileFormatException(file, "header repeats column '" + column + "'");
            }
            if (!known.contains(column)) {
                throw new FileFormatException(
                        file,
                        "header has unknown column '" + column + "'; accepted columns: " + String.join(",", known));
            }
        }
        List<String> required = new ArrayList<>(format.keyColumns());
        if (mode == ImportMode.UPSERT) {
            required.addAll(format.valueColumns());
        }
        List<String> missing = required.stream().filter(c -> !seen.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new FileFormatException(
                    file,
                    "header is missing required column" + (missing.size() > 1 ? "s " : " ")
                            + missing.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", "))
                            + " (header: " + String.join(",", header) + ")");
        }
        return header;
    }

    private ParsedFile<T> withoutDuplicates(String file, List<ReferenceRecord<T>> accepted, List<RowError> rejected) {
        Map<String, List<Integer>> linesByKey = new LinkedHashMap<>();
        for (ReferenceRecord<T> record : accepted) {
            linesByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.line());
        }
        List<ReferenceRecord<T>> unique = new ArrayList<>();
        List<RowError> errors = new ArrayList<>(rejected);
        for (ReferenceRecord<T> record : accepted) {
            List<Integer> lines = linesByKey.getOrDefault(record.key(), List.of(record.line()));
            if (lines.size() == 1) {
                unique.add(record);
                continue;
            }
            List<Integer> others =
                    lines.stream().filter(l -> l != record.line()).toList();
            errors.add(new RowError(
                    file,
                    record.line(),
                    "duplicate key " + record.key() + " (also on line"
                            + (others.size() > 1 ? "s " : " ")
                            + others.stream().map(String::valueOf).collect(Collectors.joining(", "))
                            + "); none of these rows is loaded"));
        }
        errors.sort(Comparator.comparingInt(RowError::line));
        return new ParsedFile<>(unique, errors);
    }
}
