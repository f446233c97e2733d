package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.ApprovalKind;
import java.math.BigInteger;

/**
 * Permit2's {@code Approval} and {@code Permit} events ({@code owner, token, spender} indexed, amount first
 * in data): the spender may move the owner's token through Permit2. The token is a topic, not the log's
 * address (that is Permit2's).
 */
final class Permit2Decoder implements LogDecoder {
    private final ApprovalKind kind;

    /** A decoder of the Permit2 event that gives approvals of {@code kind}. */
    Permit2Decoder(ApprovalKind kind) {
        this.kind = kind;
    }

    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        if (l.topics().size() != 4) {
            return;
        }
        BigInteger amount = Hex.wordNumber(l.data(), 0);
        block.approvals.add(block.approval(
                        tx,
                        kind,
                        Hex.addressFromWord(l.topics().get(1)),
                        Hex.addressFromWord(l.topics().get(3)),
                        Hex.addressFromWord(l.topics().get(2)),
                        amount,
                        amount.signum() > 0,
                        l.logIndex(),
                        Integer.toString(l.logIndex()))
                .build());
    }
}
