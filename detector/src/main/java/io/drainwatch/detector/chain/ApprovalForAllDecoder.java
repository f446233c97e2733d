package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.ApprovalKind;

/** ERC-721/1155 {@code ApprovalForAll(owner, operator, approved)}: the operator may move every token of the owner. */
final class ApprovalForAllDecoder implements LogDecoder {
    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        if (l.topics().size() != 3) {
            return;
        }
        block.approvals.add(block.approval(
                        tx,
                        ApprovalKind.APPROVAL_FOR_ALL,
                        Hex.addressFromWord(l.topics().get(1)),
                        Hex.addressFromWord(l.topics().get(2)),
                        l.address(),
                        null,
                        Hex.wordNumber(l.data(), 0).signum() != 0,
                        l.logIndex(),
                        Integer.toString(l.logIndex()))
                .build());
    }
}
