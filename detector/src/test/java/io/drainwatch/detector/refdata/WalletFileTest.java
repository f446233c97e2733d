package io.drainwatch.detector.refdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.WatchedWallet;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WalletFileTest {
    static final String CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    static final String LOWER = "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
    static final String OTHER = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359";
    static final String BAD_CHECKSUM = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

    private static ParsedFile<WatchedWallet> parse(String text, ImportMode mode) throws Exception {
        return new ReferenceFileParser<>(new WalletFile()).parse("wallets.csv", new StringReader(text), mode);
    }

    private static List<String> errors(ParsedFile<?> parsed) {
        return parsed.rejected().stream().map(RowError::toString).toList();
    }

    @Test
    void goodRowsBecomeWalletsKeyedByChainAndLowercaseAddress() throws Exception {
        ParsedFile<WatchedWallet> parsed = parse("""
        chain_id,address,custody_group,owner_ref,tags
        1,%s,retail,cust-42,"hot;eu"
        10,%s,treasury,,
        """.formatted(CHECKSUMMED, OTHER), ImportMode.UPSERT);

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("1:" + LOWER, "10:" + OTHER);
        WatchedWallet first = parsed.accepted().get(0).value().orElseThrow();
        assertThat(first.getAddress()).isEqualTo(LOWER);
        assertThat(first.getCustodyGroup()).isEqualTo("retail");
        assertThat(first.getOwnerRef()).isEqualTo("cust-42");
        assertThat(first.getTags()).containsExactly("hot", "eu");
        WatchedWallet second = parsed.accepted().get(1).value().orElseThrow();
        assertThat(second.getOwnerRef()).isNull();
        assertThat(second.getTags()).isEmpty();
    }

    @Test
    void optionalColumnsMayBeLeftOutAndColumnsComeInAnyOrder() throws Exception {
        ParsedFile<WatchedWallet> parsed =
                parse("custody_group,address,chain_id\nretail," + OTHER + ",1\n", ImportMode.UPSERT);

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted())
                .singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo("1:" + OTHER));
    }

    @Test
    void everyKindOfBadRowIsReportedWithItsLineAndReasonWhileGoodRowsLoad() throws Exception {
        ParsedFile<WatchedWallet> parsed =
                parse("""
        chain_id,address,custody_group
        1,%s,retail
        1,0x1234,retail
        1,%s,retail
        x,%s,retail
        1,%s,
        1,%s,*
        1,%s
        0,%s,retail
        1,5aaeb6053f3e94c9b9a09f33669435e7ef1beaed,retail
        1,0xzzaeb6053f3e94c9b9a09f33669435e7ef1beaed,retail
        """.formatted(OTHER, BAD_CHECKSUM, OTHER, OTHER, OTHER, OTHER, OTHER), ImportMode.UPSERT);

        assertThat(parsed.accepted()).extracting(ReferenceRecord::line).containsExactly(2);
        assertThat(errors(parsed))
                .containsExactly(
                        "wallets.csv:3: address: address must have 40 hex digits, has 4: '0x1234'",
                        "wallets.csv:4: address: EIP-55 checksum mismatch (expected " + CHECKSUMMED + "): '"
                                + BAD_CHECKSUM + "'",
                        "wallets.csv:5: chain_id must be a positive integer, was 'x'",
                        "wallets.csv:6: custody_group is empty",
                        "wallets.csv:7: custody_group '*' means every group and is only accepted in the allowlist",
                        "wallets.csv:8: has 2 fields, the header has 3",
                        "wallets.csv:9: chain_id must be a positive integer, was '0'",
                        "wallets.csv:10: address: address must start with 0x: '5aaeb6053f3e94c9b9a09f33669435e7ef1beaed'",
                        "wallets.csv:11: address: address has a non-hex character 'z': '0xzzaeb6053f3e94c9b9a09f33669435e7ef1beaed'");
    }

    @Test
    void aDuplicateKeyRejectsEveryRowOfItNamingTheOtherLines() throws Exception {
        ParsedFile<WatchedWallet> parsed = parse("""
        chain_id,address,custody_group
        1,%s,retail
        1,%s,retail
        1,%s,treasury
        """.formatted(CHECKSUMMED, OTHER, LOWER), ImportMode.UPSERT);

        assertThat(parsed.accepted()).extracting(ReferenceRecord::line).containsExactly(3);
        assertThat(errors(parsed))
                .containsExactly(
                        "wallets.csv:2: duplicate key 1:" + LOWER + " (also on line 4); none of these rows is loaded",
                        "wallets.csv:4: duplicate key 1:" + LOWER + " (also on line 2); none of these rows is loaded");
    }

    @Test
    void theSameAddressOnTwoChainsIsNotADuplicate() throws Exception {
        ParsedFile<WatchedWallet> parsed =
                parse("chain_id,address,custody_group\n1," + OTHER + ",a\n137," + OTHER + ",a\n", ImportMode.UPSERT);

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).hasSize(2);
    }

    @Test
    void aHeaderWithoutARequiredColumnNamesIt() {
        assertThatThrownBy(() -> parse("chain_id,address\n1," + OTHER + "\n", ImportMode.UPSERT))
                .isInstanceOf(FileFormatException.class)
                .hasMessage(
                        "wallets.csv: header is missing required column 'custody_group' (header: chain_id,address)");
    }

    @Test
    void anUnknownOrRepeatedColumnOrAnEmptyFileStopsTheImport() {
        assertThatThrownBy(() -> parse("chain_id,address,custody_group,tag\n", ImportMode.UPSERT))
                .hasMessageContaining("unknown column 'tag'")
                .hasMessageContaining("accepted columns: chain_id,address,custody_group,owner_ref,tags");
        assertThatThrownBy(() -> parse("chain_id,address,address,custody_group\n", ImportMode.UPSERT))
                .hasMessage("wallets.csv: header repeats column 'address'");
        assertThatThrownBy(() -> parse("\n\n", ImportMode.UPSERT))
                .hasMessage("wallets.csv: no header row (the file is empty)");
    }

    @Test
    void deleteNeedsOnlyTheKeyColumnsAndYieldsTombstones() throws Exception {
        ParsedFile<WatchedWallet> parsed = parse("chain_id,address\n1," + CHECKSUMMED + "\n", ImportMode.DELETE);

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).containsExactly(new ReferenceRecord<>(2, "1:" + LOWER, Optional.empty()));
    }
}
