package io.drainwatch.detector.topology;

import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.ApprovalKind;
import io.drainwatch.schemas.DelegationEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Builds approval and delegation records for topology tests, in {@link Chain}'s current block. */
final class GrantEvents {
    static final BigInteger MAX_UINT256 = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    private GrantEvents() {}

    static ApprovalEvent approval(
            Chain chain,
            String owner,
            String spender,
            String token,
            @Nullable BigInteger amount,
            @Nullable String txFrom) {
        String txHash = chain.nextTx();
        String blockHash = String.format("0x%064x", chain.block());
        boolean approved = amount == null || amount.signum() > 0;
        return ApprovalEvent.newBuilder()
                .setChainId(Chain.CHAIN)
                .setOwner(owner)
                .setSpender(spender)
                .setKind(amount == null ? ApprovalKind.APPROVAL_FOR_ALL : ApprovalKind.ERC20_APPROVAL)
                .setToken(token)
                .setAmount(amount == null ? null : new BigDecimal(amount))
                .setApproved(approved)
                .setEventId(Chain.CHAIN + ":" + blockHash + ":" + txHash + ":1")
                .setTxHash(txHash)
                .setTxFrom(txFrom)
                .setBlockNumber(chain.block())
                .setBlockHash(blockHash)
                .setBlockTime(Instant.ofEpochMilli(chain.time()))
                .build();
    }

    static DelegationEvent delegation(Chain chain, String authority, String delegate, String txFrom) {
        String txHash = chain.nextTx();
        String blockHash = String.format("0x%064x", chain.block());
        return DelegationEvent.newBuilder()
                .setChainId(Chain.CHAIN)
                .setAuthority(authority)
                .setDelegate(delegate)
                .setAuthorizationNonce(0)
                .setEventId(Chain.CHAIN + ":" + blockHash + ":" + txHash + ":auth0")
                .setTxHash(txHash)
                .setTxFrom(txFrom)
                .setBlockNumber(chain.block())
                .setBlockHash(blockHash)
                .setBlockTime(Instant.ofEpochMilli(chain.time()))
                .build();
    }
}
