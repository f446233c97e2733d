package io.drainwatch.detector.rules;

import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * A movement of value as the rules see it: amounts exact, addresses lowercase hex, time in epoch ms.
 * {@code txFrom} is the account that signed the transaction (a spender, or a delegate's caller, when it
 * is not {@code from}), when the ingestor knows it.
 */
public record Transfer(
        long chainId,
        String from,
        String to,
        TransferKind kind,
        String asset,
        BigInteger amount,
        @Nullable Integer decimals,
        String eventId,
        String txHash,
        long blockNumber,
        long blockTime,
        boolean removed,
        @Nullable BigInteger balanceBefore,
        @Nullable BigInteger balanceAfter,
        @Nullable Boolean recipientFresh,
        @Nullable String txFrom) {

    /** Whether the chain's own coin moved (top-level or internal). */
    public boolean isNative() {
        return kind == TransferKind.NATIVE || kind == TransferKind.INTERNAL;
    }

    /** Whether a token (ERC-20/721/1155) moved. */
    public boolean isToken() {
        return !isNative();
    }
}
