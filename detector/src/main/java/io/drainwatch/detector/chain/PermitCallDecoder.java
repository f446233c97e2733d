package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.ApprovalKind;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * EIP-2612 {@code permit} calldata in a transaction signed by someone other than the owner (the owner's
 * signature was obtained and submitted by another account): the spender can now move funds. A token need
 * not emit an event for a permit, so the call itself is what is read.
 */
final class PermitCallDecoder {
    /** EIP-2612 {@code permit(address,address,uint256,uint256,uint8,bytes32,bytes32)}. */
    static final String PERMIT_SELECTOR = "0xd505accf";

    private PermitCallDecoder() {}

    /**
     * The permit, if any, of a call of {@code input} to {@code token}: the transaction's own call (with an
     * empty {@code traceAddress}) or a CALL frame under it.
     */
    static void decode(BlockDecoding block, Transaction tx, @Nullable String token, String input, String traceAddress) {
        if (token == null || !input.startsWith(PERMIT_SELECTOR)) {
            return;
        }
        String args = input.substring(PERMIT_SELECTOR.length());
        if (Hex.words(args) < 7) {
            return;
        }
        String owner = Hex.addressFromWord(Hex.word(args, 0));
        if (owner.equals(tx.from())) {
            return; // the owner's own transaction, directly or through a router (selfPermit, multicall)
        }
        BigInteger amount = Hex.wordNumber(args, 2);
        block.approvals.add(block.approval(
                        tx,
                        ApprovalKind.EIP2612_PERMIT,
                        owner,
                        Hex.addressFromWord(Hex.word(args, 1)),
                        token,
                        amount,
                        amount.signum() > 0,
                        null,
                        traceAddress.isEmpty() ? "permit" : "permit:" + traceAddress)
                .build());
    }
}
