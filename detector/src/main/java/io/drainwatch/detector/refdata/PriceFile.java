package io.drainwatch.detector.refdata;

import io.drainwatch.detector.model.Addresses;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.TokenPrice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The token-prices file: {@code chain_id,asset,usd_price,decimals} and optionally {@code symbol};
 * {@code asset} is {@code native} or the token contract address. Key {@code chainId:asset}. Every
 * price is stamped with the import time.
 */
public final class PriceFile implements ReferenceFormat<TokenPrice> {
    /** Decimals of a uint256 amount: 78 digits at most. */
    private static final int MAX_DECIMALS = 77;

    private final Instant importedAt;

    public PriceFile(Instant importedAt) {
        this.importedAt = importedAt;
    }

    @Override
    public List<String> keyColumns() {
        return List.of("chain_id", "asset");
    }

    @Override
    public List<String> valueColumns() {
        return List.of("usd_price", "decimals");
    }

    @Override
    public List<String> optionalColumns() {
        return List.of("symbol");
    }

    @Override
    public String key(RowFields row) throws RowRejected {
        return Keys.price(Fields.chainId(row.required("chain_id")), asset(row.required("asset")));
    }

    @Override
    public TokenPrice value(RowFields row) throws RowRejected {
        return TokenPrice.newBuilder()
                .setChainId(Fields.chainId(row.required("chain_id")))
                .setAsset(asset(row.required("asset")))
                .setUsdPrice(price(row.required("usd_price")))
                .setDecimals(decimals(row.required("decimals")))
                .setSymbol(row.optional("symbol").orElse(null))
                .setUpdatedAt(importedAt)
                .build();
    }

    private static String asset(String raw) throws RowRejected {
        if (raw.equalsIgnoreCase(Addresses.NATIVE)) {
            return Addresses.NATIVE;
        }
        return Fields.address("asset", raw);
    }

    private static double price(String raw) throws RowRejected {
        try {
            BigDecimal price = new BigDecimal(raw);
            if (price.signum() >= 0) {
                return price.doubleValue();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RowRejected("usd_price must be a decimal number of at least 0, was '" + raw + "'");
    }

    private static int decimals(String raw) throws RowRejected {
        try {
            int decimals = Integer.parseInt(raw);
            if (decimals >= 0 && decimals <= MAX_DECIMALS) {
                return decimals;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RowRejected("decimals must be an integer from 0 to " + MAX_DECIMALS + ", was '" + raw + "'");
    }
}
