package io.drainwatch.detector.refdata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzzed operator files (random bytes, truncated lines, huge fields, byte order marks, CRLF, stray
 * quotes, shuffled and repeated lines) through every reference format: the parser either refuses the
 * file as a whole with a {@link FileFormatException} naming it, or sorts every row into accepted or
 * rejected (with its line), never both and never with a row that has no key.
 */
class ReferenceFileFuzzTest {
    private static final String A = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    private static final String B = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";
    private static final String TX = "0x" + "ab".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-04T00:00:00Z");
    private static final int PER_FORMAT = 600;

    private record Sample(String name, ReferenceFormat<?> format, String text) {}

    private static List<Sample> samples() {
        return List.of(
                new Sample(
                        "wallets",
                        new WalletFile(),
                        "chain_id,address,custody_group,owner_ref,tags\n1," + A + ",retail,u-1,a;b\n10," + B
                                + ",pro,,\n"),
                new Sample(
                        "allowlist",
                        new AllowlistFile(),
                        "chain_id,address,custody_group,kind,note\n1," + A + ",*,own-hot,\"hot, EU\"\n1," + B
                                + ",retail,exchange,\n"),
                new Sample(
                        "labels",
                        new LabelFile(),
                        "address,category,source,chain_id,note\n" + A + ",mixer,ofac,,\n" + B + ",drainer,intel,1,x\n"),
                new Sample(
                        "prices",
                        new PriceFile(NOW),
                        "chain_id,asset,usd_price,decimals,symbol\n1,native,3000,18,ETH\n1," + B + ",1,6,USDC\n"),
                new Sample(
                        "signed-tx",
                        new SignedTxFile(NOW),
                        "chain_id,tx_hash,from,to,nonce\n1," + TX + "," + A + "," + B + ",7\n"));
    }

    @Test
    void everyFuzzedFileIsRefusedWholeOrSortedRowByRow() throws Exception {
        Random random = new Random(20261204);
        int tried = 0;
        int refused = 0;
        int rowsAccepted = 0;
        int rowsRejected = 0;
        for (Sample sample : samples()) {
            assertThat(parse(sample, sample.text()))
                    .as("the unfuzzed %s sample", sample.name())
                    .satisfies(p -> assertThat(p.rejected()).isEmpty());
            for (int i = 0; i < PER_FORMAT; i++) {
                String fuzzed = mutate(sample.text(), random);
                tried++;
                ParsedFile<?> parsed;
                try {
                    parsed = parse(sample, fuzzed);
                } catch (FileFormatException e) {
                    refused++;
                    assertThat(e.getMessage()).as("names the file").contains(sample.name() + ".csv");
                    continue;
                }
                Set<Integer> acceptedLines = new HashSet<>();
                for (ReferenceRecord<?> r : parsed.accepted()) {
                    assertThat(r.key()).as("an accepted row's key").isNotBlank();
                    assertThat(r.value()).as("an accepted row's value").isPresent();
                    acceptedLines.add(r.line());
                }
                for (RowError e : parsed.rejected()) {
                    assertThat(acceptedLines)
                            .as("a row both accepted and rejected")
                            .doesNotContain(e.line());
                    assertThat(e.toString())
                            .as("a rejection names file and line")
                            .contains(sample.name() + ".csv:");
                }
                rowsAccepted += parsed.accepted().size();
                rowsRejected += parsed.rejected().size();
            }
        }
        System.out.printf(
                "fuzzed reference files: %d tried, %d refused whole, rows accepted %d, rows rejected %d%n",
                tried, refused, rowsAccepted, rowsRejected);
        assertThat(tried).isEqualTo(PER_FORMAT * samples().size());
        assertThat(refused).as("some files refused whole").isPositive();
        assertThat(rowsRejected).as("some rows rejected").isPositive();
        assertThat(rowsAccepted).as("some rows still accepted").isPositive();
    }

    @Test
    void aByteOrderMarkAndCrlfLineEndsAreReadAsTheSameFile() throws Exception {
        for (Sample sample : samples()) {
            String windows = "\uFEFF" + sample.text().replace("\n", "\r\n");
            ParsedFile<?> plain = parse(sample, sample.text());
            ParsedFile<?> fromExcel = parse(sample, windows);
            assertThat(fromExcel.rejected()).as(sample.name()).isEmpty();
            assertThat(fromExcel.accepted())
                    .extracting(ReferenceRecord::key)
                    .as(sample.name())
                    .isEqualTo(
                            plain.accepted().stream().map(ReferenceRecord::key).toList());
        }
    }

    private static ParsedFile<?> parse(Sample sample, String text) throws Exception {
        return new ReferenceFileParser<>(sample.format())
                .parse(sample.name() + ".csv", new StringReader(text), ImportMode.UPSERT);
    }

    /** One to three mutations of {@code text}, each of a kind drawn at random. */
    private static String mutate(String text, Random random) {
        String s = text;
        int count = 1 + random.nextInt(3);
        for (int m = 0; m < count; m++) {
            s = switch (random.nextInt(10)) {
                case 0 -> randomBytes(random, 1 + random.nextInt(400));
                case 1 -> s.substring(0, random.nextInt(s.length() + 1)); // truncated
                case 2 -> insert(s, random, "x".repeat(100_000 + random.nextInt(900_000))); // a huge field
                case 3 -> "\uFEFF" + s;
                case 4 -> s.replace("\n", "\r\n");
                case 5 -> insert(s, random, "\"");
                case 6 -> insert(s, random, randomBytes(random, 1 + random.nextInt(8)));
                case 7 -> shuffleLines(s, random);
                case 8 -> repeatLine(s, random);
                default -> insert(s, random, random.nextBoolean() ? "," : "\n");
            };
        }
        return s;
    }

    private static String randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String insert(String s, Random random, String what) {
        int at = random.nextInt(s.length() + 1);
        return s.substring(0, at) + what + s.substring(at);
    }

    private static String shuffleLines(String s, Random random) {
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        java.util.Collections.shuffle(lines, random);
        return String.join("\n", lines);
    }

    private static String repeatLine(String s, Random random) {
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        if (lines.isEmpty()) {
            return s;
        }
        int i = random.nextInt(lines.size());
        lines.add(i, lines.get(i));
        return String.join("\n", lines);
    }
}
