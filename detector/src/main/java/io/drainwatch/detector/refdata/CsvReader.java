package io.drainwatch.detector.refdata;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads comma-separated values as RFC 4180 defines them: fields may be quoted, a quoted field may
 * hold commas, line breaks and doubled quotes ({@code ""}). Lines may end in CRLF or LF. Each row
 * knows the file line it starts on, so errors can point at it.
 */
public final class CsvReader {
    private final Reader in;
    private int line = 1;
    private int pending = -2;

    /** One row: the line it starts on and its fields (unquoted), or why it is malformed. */
    public record Row(int line, List<String> fields, String problem) {
        public Row {
            fields = List.copyOf(fields);
        }

        /** True when the row could not be read (for instance an unterminated quote). */
        public boolean malformed() {
            return !problem.isEmpty();
        }

        /** True for an empty line or a line of blank fields only. */
        public boolean blank() {
            return fields.stream().allMatch(String::isBlank);
        }
    }

    private CsvReader(Reader in) {
        this.in = in;
    }

    /** All rows of the input, header included. */
    public static List<Row> readAll(Reader in) throws IOException {
        CsvReader reader = new CsvReader(in);
        List<Row> rows = new ArrayList<>();
        for (Row row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }

    /** The next row, or {@code null} at the end of the input. */
    private @Nullable Row next() throws IOException {
        int c = read();
        if (c == -1) {
            return null;
        }
        if (line == 1 && c == '\uFEFF') {
            c = read(); // a byte order mark written by spreadsheet exports is not part of the first column name
            if (c == -1) {
                return null;
            }
        }
        int start = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean afterQuote = false;
        String problem = "";
        while (true) {
            if (quoted) {
                if (c == -1) {
                    fields.add(field.toString());
                    return new Row(start, fields, "unterminated quoted field");
                }
                if (c == '"') {
                    int next = read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        afterQuote = true;
                        c = next;
                        continue;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append((char) c);
                }
                c = read();
                continue;
            }
            if (c == -1 || c == '\n' || c == '\r') {
                if (c == '\r') {
                    int next = read();
                    if (next != '\n') {
                        unread(next);
                    }
                }
                if (c != -1) {
                    line++;
                }
                fields.add(field.toString());
                return new Row(start, fields, problem);
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
            } else if (c == '"' && field.isEmpty() && !afterQuote) {
                quoted = true;
            } else if (afterQuote) {
                if (!Character.isWhitespace(c) && problem.isEmpty()) {
                    problem = "text after the closing quote of field " + (fields.size() + 1);
                }
            } else {
                field.append((char) c);
            }
            c = read();
        }
    }

    private int read() throws IOException {
        if (pending != -2) {
            int c = pending;
            pending = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pending = c;
    }
}
