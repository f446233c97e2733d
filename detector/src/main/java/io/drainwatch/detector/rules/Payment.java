package io.drainwatch.detector.rules;

import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * An outflow from a watched wallet to an address the custodian does not know, as seen by the
 * per-destination stage (keyed by destination).
 */
public record Payment(
        long chainId,
        String wallet,
        String custodyGroup,
        String destination,
        String eventId,
        String txHash,
        long blockNumber,
        long blockTime,
        String asset,
        BigInteger amount,
        @Nullable Integer decimals,
        @Nullable Double usd,
        boolean fresh,
        boolean removed) {

    public static Payment of(Transfer t, String group, @Nullable Double usd) {
        return new Payment(
                t.chainId(),
                t.from(),
                group,
                t.to(),
                t.eventId(),
                t.txHash(),
                t.blockNumber(),
                t.blockTime(),
                t.asset(),
                t.amount(),
                t.decimals(),
                usd,
                Boolean.TRUE.equals(t.recipientFresh()),
                t.removed());
    }

    public Evidence evidence() {
        return new Evidence(
                eventId, txHash, blockNumber, blockTime, wallet, destination, asset, amount, decimals, usd, null, null);
    }
}
