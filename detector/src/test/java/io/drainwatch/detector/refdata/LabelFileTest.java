package io.drainwatch.detector.refdata;

import static io.drainwatch.detector.refdata.WalletFileTest.BAD_CHECKSUM;
import static io.drainwatch.detector.refdata.WalletFileTest.CHECKSUMMED;
import static io.drainwatch.detector.refdata.WalletFileTest.LOWER;
import static io.drainwatch.detector.refdata.WalletFileTest.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.LabelCategory;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class LabelFileTest {
    private static ParsedFile<AddressLabel> parse(String text) throws Exception {
        return new ReferenceFileParser<>(new LabelFile())
                .parse("labels.csv", new StringReader(text), ImportMode.UPSERT);
    }

    @Test
    void aLabelWithoutChainHoldsOnEveryChain() throws Exception {
        ParsedFile<AddressLabel> parsed = parse("""
        address,category,source,chain_id
        %s,sanctioned,OFAC SDN 2024-06,
        %s,drainer,"case 17, Inferno",1
        """.formatted(CHECKSUMMED, OTHER));

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("*:" + LOWER, "1:" + OTHER);
        AddressLabel everywhere = parsed.accepted().get(0).value().orElseThrow();
        assertThat(everywhere.getChainId()).isNull();
        assertThat(everywhere.getCategory()).isEqualTo(LabelCategory.SANCTIONED);
        assertThat(everywhere.getSource()).isEqualTo("OFAC SDN 2024-06");
        AddressLabel mainnet = parsed.accepted().get(1).value().orElseThrow();
        assertThat(mainnet.getChainId()).isEqualTo(1L);
        assertThat(mainnet.getSource()).isEqualTo("case 17, Inferno");
    }

    @Test
    void chainIdIsOptionalInTheHeader() throws Exception {
        ParsedFile<AddressLabel> parsed = parse("address,category,source\n" + OTHER + ",mixer,tornado list\n");

        assertThat(parsed.accepted()).extracting(ReferenceRecord::key).containsExactly("*:" + OTHER);
    }

    @Test
    void badRowsAreReportedWithLineAndReason() throws Exception {
        ParsedFile<AddressLabel> parsed = parse("""
        address,category,source,chain_id
        %s,attacker,x,
        %s,villain,x,
        %s,attacker,,
        %s,attacker,x,-3
        """.formatted(BAD_CHECKSUM, OTHER, OTHER, OTHER));

        assertThat(parsed.accepted()).isEmpty();
        assertThat(parsed.rejected())
                .extracting(RowError::toString)
                .containsExactly(
                        "labels.csv:2: address: EIP-55 checksum mismatch (expected " + CHECKSUMMED + "): '"
                                + BAD_CHECKSUM + "'",
                        "labels.csv:3: category 'villain' is not one of sanctioned, attacker, drainer, mixer, bridge, exchange, own, other",
                        "labels.csv:4: source is empty",
                        "labels.csv:5: chain_id must be a positive integer, was '-3'");
    }

    @Test
    void theSameAddressEverywhereAndOnOneChainAreTwoKeys() throws Exception {
        ParsedFile<AddressLabel> parsed =
                parse("address,category,source,chain_id\n%s,mixer,a,\n%s,mixer,b,1\n%s,bridge,c,\n"
                        .formatted(OTHER, OTHER, OTHER));

        assertThat(parsed.accepted()).extracting(ReferenceRecord::line).containsExactly(3);
        assertThat(parsed.rejected())
                .extracting(RowError::toString)
                .containsExactly(
                        "labels.csv:2: duplicate key *:" + OTHER + " (also on line 4); none of these rows is loaded",
                        "labels.csv:4: duplicate key *:" + OTHER + " (also on line 2); none of these rows is loaded");
    }
}
