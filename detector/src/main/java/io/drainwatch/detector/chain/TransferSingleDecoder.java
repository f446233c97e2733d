package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.TransferKind;

/** ERC-1155 {@code TransferSingle(operator, from, to, id, value)}: one transfer of {@code value} of token {@code id}. */
final class TransferSingleDecoder implements LogDecoder {
    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        if (l.topics().size() != 4) {
            return;
        }
        block.transfers.add(block.transfer(
                        tx,
                        TransferKind.ERC1155,
                        Hex.addressFromWord(l.topics().get(2)),
                        Hex.addressFromWord(l.topics().get(3)),
                        l.address(),
                        Hex.wordNumber(l.data(), 1),
                        Hex.wordNumber(l.data(), 0),
                        l.logIndex(),
                        Integer.toString(l.logIndex()))
                .build());
    }
}
