package io.drainwatch.detector.refdata;

import static io.drainwatch.detector.refdata.WalletFileTest.CHECKSUMMED;
import static io.drainwatch.detector.refdata.WalletFileTest.LOWER;
import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.TokenPrice;
import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PriceFileTest {
    private static final Instant NOW = Instant.parse("2026-06-04T10:00:00Z");

    private static ParsedFile<TokenPrice> parse(String text) throws Exception {
        return new ReferenceFileParser<>(new PriceFile(NOW))
                .parse("prices.csv", new StringReader(text), ImportMode.UPSERT);
    }

    @Test
    void pricesAreKeyedByChainAndNativeOrLowercaseTokenAndStampedWithTheImportTime() throws Exception {
        ParsedFile<TokenPrice> parsed = parse("""
        chain_id,asset,usd_price,decimals,symbol
        1,native,3512.25,18,ETH
        1,%s,0.9998,6,USDC
        137,NATIVE,0.41,18,
        """.formatted(CHECKSUMMED));

        assertThat(parsed.rejected()).isEmpty();
        assertThat(parsed.accepted())
                .extracting(ReferenceRecord::key)
                .containsExactly("1:native", "1:" + LOWER, "137:native");
        TokenPrice eth = parsed.accepted().get(0).value().orElseThrow();
        assertThat(eth.getUsdPrice()).isEqualTo(3512.25);
        assertThat(eth.getDecimals()).isEqualTo(18);
        assertThat(eth.getSymbol()).isEqualTo("ETH");
        assertThat(eth.getUpdatedAt()).isEqualTo(NOW);
        assertThat(parsed.accepted().get(1).value().orElseThrow().getAsset()).isEqualTo(LOWER);
        assertThat(parsed.accepted().get(2).value().orElseThrow().getSymbol()).isNull();
    }

    @Test
    void badRowsAreReportedWithLineAndReason() throws Exception {
        ParsedFile<TokenPrice> parsed = parse("""
        chain_id,asset,usd_price,decimals
        1,usdc,1,6
        1,native,-1,18
        1,native,one,18
        10,native,1,99
        10,native,1,
        """);

        assertThat(parsed.accepted()).isEmpty();
        assertThat(parsed.rejected())
                .extracting(RowError::toString)
                .containsExactly(
                        "prices.csv:2: asset: address must start with 0x: 'usdc'",
                        "prices.csv:3: usd_price must be a decimal number of at least 0, was '-1'",
                        "prices.csv:4: usd_price must be a decimal number of at least 0, was 'one'",
                        "prices.csv:5: decimals must be an integer from 0 to 77, was '99'",
                        "prices.csv:6: decimals is empty");
    }
}
