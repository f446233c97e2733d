package io.drainwatch.detector.rules;

import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/** One on-chain fact behind a finding. */
public record Evidence(
        String eventId,
        String txHash,
        long blockNumber,
        long blockTime,
        String wallet,
        @Nullable String destination,
        @Nullable String asset,
        @Nullable BigInteger amount,
        @Nullable Integer decimals,
        @Nullable Double usd,
        @Nullable BigInteger balanceBefore,
        @Nullable BigInteger balanceAfter) {

    /** The evidence of an outflow. */
    public static Evidence of(Transfer t, @Nullable Double usd) {
        return new Evidence(
                t.eventId(),
                t.txHash(),
                t.blockNumber(),
                t.blockTime(),
                t.from(),
                t.to(),
                t.asset(),
                t.amount(),
                t.decimals(),
                usd,
                t.balanceBefore(),
                t.balanceAfter());
    }
}
