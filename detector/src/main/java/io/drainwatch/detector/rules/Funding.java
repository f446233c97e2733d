package io.drainwatch.detector.rules;

import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * Native coin paid to a watched wallet by an outside address, as seen by the per-funder stage (keyed
 * by the funder): the gas an attacker sends before sweeping token-only wallets.
 */
public record Funding(
        long chainId,
        String wallet,
        String custodyGroup,
        String funder,
        String eventId,
        String txHash,
        long blockNumber,
        long blockTime,
        BigInteger amount,
        @Nullable Integer decimals,
        @Nullable Double usd,
        boolean removed) {

    public static Funding of(Transfer in, String group, @Nullable Double usd) {
        return new Funding(
                in.chainId(),
                in.to(),
                group,
                in.from(),
                in.eventId(),
                in.txHash(),
                in.blockNumber(),
                in.blockTime(),
                in.amount(),
                in.decimals(),
                usd,
                in.removed());
    }

    /** The evidence: the funded wallet, with no destination (the funder is the alert's subject). */
    public Evidence evidence() {
        return new Evidence(
                eventId, txHash, blockNumber, blockTime, wallet, null, "native", amount, decimals, usd, null, null);
    }
}
