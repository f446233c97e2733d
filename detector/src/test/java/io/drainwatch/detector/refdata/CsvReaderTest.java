package io.drainwatch.detector.refdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {
    private static List<CsvReader.Row> read(String text) throws Exception {
        return CsvReader.readAll(new StringReader(text));
    }

    @Test
    void splitsPlainFieldsAndKeepsEmptyOnes() throws Exception {
        List<CsvReader.Row> rows = read("a,b,c\n1,,3\n");

        assertThat(rows)
                .extracting(CsvReader.Row::fields)
                .containsExactly(List.of("a", "b", "c"), List.of("1", "", "3"));
        assertThat(rows).extracting(CsvReader.Row::line).containsExactly(1, 2);
    }

    @Test
    void quotedFieldsHoldCommasDoubledQuotesAndLineBreaks() throws Exception {
        List<CsvReader.Row> rows = read("note,x\n\"hot, cold\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\nlast,4");

        assertThat(rows)
                .extracting(CsvReader.Row::fields)
                .containsExactly(
                        List.of("note", "x"),
                        List.of("hot, cold", "1"),
                        List.of("say \"hi\"", "2"),
                        List.of("two\nlines", "3"),
                        List.of("last", "4"));
        // a row is numbered by the line it starts on; the line break inside quotes pushes the next row down
        assertThat(rows).extracting(CsvReader.Row::line).containsExactly(1, 2, 3, 4, 6);
    }

    @Test
    void acceptsCrLfLineEndsAndAByteOrderMark() throws Exception {
        List<CsvReader.Row> rows = read("\uFEFFa,b\r\n1,2\r\n");

        assertThat(rows).extracting(CsvReader.Row::fields).containsExactly(List.of("a", "b"), List.of("1", "2"));
    }

    @Test
    void reportsAnUnterminatedQuoteOnTheLineItStarts() throws Exception {
        List<CsvReader.Row> rows = read("a,b\n1,\"open\n2,3\n");

        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(1).problem()).isEqualTo("unterminated quoted field");
    }

    @Test
    void reportsTextAfterAClosingQuote() throws Exception {
        List<CsvReader.Row> rows = read("\"a\"b,c\n");

        assertThat(rows.get(0).problem()).isEqualTo("text after the closing quote of field 1");
    }

    @Test
    void blankLinesAreBlankRows() throws Exception {
        List<CsvReader.Row> rows = read("a\n\n  \nb\n");

        assertThat(rows).extracting(CsvReader.Row::blank).containsExactly(false, true, true, false);
        assertThat(rows.get(3).line()).isEqualTo(4);
    }
}
