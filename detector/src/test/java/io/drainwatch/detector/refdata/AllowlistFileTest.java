package io.drainwatch.detector.refdata;

import static io.drainwatch.detector.refdata.WalletFileTest.CHECKSUMMED;
import static io.drainwatch.detector.refdata.WalletFileTest.LOWER;
import static io.drainwatch.detector.refdata.WalletFileTest.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class AllowlistFileTest {
    private static ParsedFile<AllowedCounterparty> parse(String text, ImportMode mode) throws Exception {
        return new ReferenceFileParser<>(new AllowlistFile()).parse("allow.csv", new StringReader(text), mode);
    }

    @Test
    void rowsAreKeyedByChainAddressAndGroupWithStarForEveryGroup() throws Exception {
        ParsedFile<AllowedCounterparty> parsed = parse("""
        chain_id,address,custody_group,kind,note
        1,%s,*,own-hot,"hot wallet, EU"
        1,%s,retail,user-withdrawal,
        1,%s,retail,EXCHANGE,binance deposit
        """.formatted(CHECKSUMMED, OTHER, LOWER), ImportMode.UPSERT);

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted())
                .extracting(ReferenceRecord::key)
                .containsExactly("1:" + LOWER + "/*", "1:" + OTHER + "/retail", "1:" + LOWER + "/retail");
        AllowedCounterparty hot = parsed.accepted().get(0).value().orElseThrow();
        assertThat(hot.getKind()).isEqualTo(CounterpartyKind.OWN_HOT);
        assertThat(hot.getCustodyGroup()).isEqualTo("*");
        assertThat(hot.getNote()).isEqualTo("hot wallet, EU");
        assertThat(parsed.accepted().get(1).value().orElseThrow().getNote()).isNull();
        assertThat(parsed.accepted().get(2).value().orElseThrow().getKind()).isEqualTo(CounterpartyKind.EXCHANGE);
    }

    @Test
    void anUnknownKindNamesTheAcceptedOnes() throws Exception {
        ParsedFile<AllowedCounterparty> parsed =
                parse("chain_id,address,custody_group,kind,note\n1," + OTHER + ",*,friend,\n", ImportMode.UPSERT);

        assertThat(parsed.rejected())
                .extracting(RowError::toString)
                .containsExactly(
                        "allow.csv:2: kind 'friend' is not one of own-hot, own-cold, exchange, user-withdrawal, other");
    }

    @Test
    void theSameAddressForTwoGroupsIsNotADuplicateButTwiceForOneGroupIs() throws Exception {
        ParsedFile<AllowedCounterparty> parsed = parse("""
        chain_id,address,custody_group,kind,note
        1,%s,retail,own-hot,
        1,%s,*,own-hot,
        1,%s,retail,own-cold,
        """.formatted(OTHER, OTHER, OTHER), ImportMode.UPSERT);

        assertThat(parsed.accepted()).extracting(ReferenceRecord::line).containsExactly(3);
        assertThat(parsed.rejected()).extracting(RowError::line).containsExactly(2, 4);
    }

    @Test
    void theNoteColumnIsRequiredInTheHeaderEvenWhenEmpty() {
        assertThatThrownBy(() -> parse("chain_id,address,custody_group,kind\n", ImportMode.UPSERT))
                .hasMessageContaining("missing required column 'note'");
    }

    @Test
    void deleteNeedsTheGroupBecauseItIsPartOfTheKey() throws Exception {
        assertThatThrownBy(() -> parse("chain_id,address\n", ImportMode.DELETE))
                .hasMessageContaining("missing required column 'custody_group'");
        ParsedFile<AllowedCounterparty> parsed =
                parse("chain_id,address,custody_group\n1," + OTHER + ",*\n", ImportMode.DELETE);
        assertThat(parsed.accepted()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("1:" + OTHER + "/*");
            assertThat(r.value()).isEmpty();
        });
    }
}
