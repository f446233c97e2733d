package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.ApprovalKind;
import java.math.BigInteger;

/**
 * {@code Approval(address,address,uint256)}: an ERC-20 allowance (amount in data) with three topics; with
 * four, an ERC-721 {@code approve(spender, tokenId)}, which lets the spender move that one token.
 */
final class ApprovalDecoder implements LogDecoder {
    private static final String ZERO = "0x0000000000000000000000000000000000000000";

    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        int n = l.topics().size();
        if (n == 3) {
            BigInteger amount = Hex.wordNumber(l.data(), 0);
            block.approvals.add(block.approval(
                            tx,
                            ApprovalKind.ERC20_APPROVAL,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            amount,
                            amount.signum() > 0,
                            l.logIndex(),
                            Integer.toString(l.logIndex()))
                    .build());
        } else if (n == 4) {
            String spender = Hex.addressFromWord(l.topics().get(2));
            block.approvals.add(block.approval(
                            tx,
                            ApprovalKind.OTHER,
                            Hex.addressFromWord(l.topics().get(1)),
                            spender,
                            l.address(),
                            null,
                            !spender.equals(ZERO),
                            l.logIndex(),
                            Integer.toString(l.logIndex()))
                    .build());
        }
    }
}
