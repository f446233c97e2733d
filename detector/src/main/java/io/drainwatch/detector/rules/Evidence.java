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

    /** The evidence of an approval: the spender is its destination, the token its asset. */
    public static Evidence of(Approval a) {
        return granted(a.at(), a.owner(), a.spender(), a.token(), a.amount());
    }

    /** The evidence of a delegation: the delegate contract is its destination. */
    public static Evidence of(Delegation d) {
        return granted(d.at(), d.authority(), d.delegate(), null, null);
    }

    private static Evidence granted(
            Inclusion at, String from, String to, @Nullable String asset, @Nullable BigInteger amount) {
        return new Evidence(
                at.eventId(),
                at.txHash(),
                at.blockNumber(),
                at.blockTime(),
                from,
                to,
                asset,
                amount,
                null,
                null,
                null,
                null);
    }
}
