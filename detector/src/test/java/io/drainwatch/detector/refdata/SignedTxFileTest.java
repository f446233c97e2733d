package io.drainwatch.detector.refdata;

import static io.drainwatch.detector.refdata.WalletFileTest.CHECKSUMMED;
import static io.drainwatch.detector.refdata.WalletFileTest.LOWER;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.SignedTransaction;
import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignedTxFileTest {
    private static final Instant NOW = Instant.parse("2026-06-04T10:00:00Z");
    private static final String TX_A = "0x" + "ab".repeat(32);
    private static final String TX_B = "0x" + "0c".repeat(32);

    private static ParsedFile<SignedTransaction> parse(String text) throws Exception {
        return parse(text, ImportMode.UPSERT);
    }

    private static ParsedFile<SignedTransaction> parse(String text, ImportMode mode) throws Exception {
        return new ReferenceFileParser<>(new SignedTxFile(NOW)).parse("signer.csv", new StringReader(text), mode);
    }

    @Test
    void aSignerLogIsKeyedByChainAndLowercaseHashAsTheDetectorLooksItUp() throws Exception {
        ParsedFile<SignedTransaction> parsed =
                parse("""
        chain_id,tx_hash,from,to,nonce,signed_at,signer,signer_request_id,custody_group,reference
        1,%s,%s,%s,42,2026-06-04T09:59:58Z,hsm-policy-7,req-81234,retail,withdrawal-991
        137,%s,,,,,,,,
        """.formatted(TX_A.toUpperCase().replace("0X", "0x"), CHECKSUMMED, LOWER, TX_B));

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("1:" + TX_A, "137:" + TX_B);
        SignedTransaction full = parsed.accepted().get(0).value().orElseThrow();
        assertThat(full.getTxHash()).isEqualTo(TX_A);
        assertThat(full.getFrom()).isEqualTo(LOWER);
        assertThat(full.getTo()).isEqualTo(LOWER);
        assertThat(full.getNonce()).isEqualTo(42L);
        assertThat(full.getSignedAt()).isEqualTo(Instant.parse("2026-06-04T09:59:58Z"));
        assertThat(full.getSigner()).isEqualTo("hsm-policy-7");
        assertThat(full.getSignerRequestId()).isEqualTo("req-81234");
        assertThat(full.getCustodyGroup()).isEqualTo("retail");
        assertThat(full.getReference()).isEqualTo("withdrawal-991");
        SignedTransaction bare = parsed.accepted().get(1).value().orElseThrow();
        assertThat(bare.getChainId()).isEqualTo(137L);
        assertThat(bare.getFrom()).as("from, when the log does not say").isEmpty();
        assertThat(bare.getTo()).isNull();
        assertThat(bare.getSignedAt()).as("stamped with the import time").isEqualTo(NOW);
        assertThat(bare.getCustodyGroup()).isNull();
    }

    @Test
    void onlyChainIdAndTxHashAreRequired() throws Exception {
        ParsedFile<SignedTransaction> parsed = parse("chain_id,tx_hash\n1," + TX_A + "\n");
        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("1:" + TX_A);
    }

    @Test
    void badHashesChainIdsAndFieldsAreReportedWithLineAndReason() throws Exception {
        ParsedFile<SignedTransaction> parsed =
                parse("""
        chain_id,tx_hash,from,nonce,signed_at
        1,0xabc,,,
        1,%s,,,
        0,%s,,,
        mainnet,%s,,,
        1,%s,0x1234,,
        1,%s,,-1,
        1,%s,,,yesterday
        """.formatted("ab".repeat(32), TX_A, TX_A, "0x" + "gg".repeat(32), TX_B, TX_B));

        assertThat(parsed.accepted()).isEmpty();
        assertThat(parsed.rejected())
                .extracting(RowError::toString)
                .containsExactly(
                        "signer.csv:2: tx_hash must be 0x followed by 64 hex digits, was '0xabc'",
                        "signer.csv:3: tx_hash must be 0x followed by 64 hex digits, was '" + "ab".repeat(32) + "'",
                        "signer.csv:4: chain_id must be a positive integer, was '0'",
                        "signer.csv:5: chain_id must be a positive integer, was 'mainnet'",
                        "signer.csv:6: tx_hash must be 0x followed by 64 hex digits, was '0x" + "gg".repeat(32) + "'",
                        "signer.csv:7: nonce must be an integer of at least 0, was '-1'",
                        "signer.csv:8: signed_at must be an ISO-8601 UTC time such as 2026-06-04T10:00:00Z, was 'yesterday'");
    }

    @Test
    void aHashListedTwiceIsRejectedOnBothLinesWhateverItsCase() throws Exception {
        ParsedFile<SignedTransaction> parsed = parse("chain_id,tx_hash,reference\n1," + TX_A + ",first\n1," + TX_B
                + ",other\n1," + TX_A.toUpperCase().replace("0X", "0x") + ",second\n137," + TX_A + ",other chain\n");

        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("1:" + TX_B, "137:" + TX_A);
        assertThat(parsed.rejected())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.toString()).contains("1:" + TX_A));
        assertThat(parsed.rejected()).extracting(RowError::line).containsExactly(2, 4);
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsAreRead() throws Exception {
        ParsedFile<SignedTransaction> parsed =
                parse("\uFEFFchain_id,tx_hash,reference\r\n1," + TX_A + ",sweep-7\r\n10," + TX_B + ",\r\n");

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("1:" + TX_A, "10:" + TX_B);
        assertThat(parsed.accepted().get(0).value().orElseThrow().getReference())
                .isEqualTo("sweep-7");
    }

    @Test
    void deleteNeedsOnlyTheKeyColumns() throws Exception {
        ParsedFile<SignedTransaction> parsed = parse("chain_id,tx_hash\n1," + TX_A + "\n", ImportMode.DELETE);
        assertThat(parsed.accepted()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("1:" + TX_A);
            assertThat(r.value()).isEmpty();
        });
    }
}
