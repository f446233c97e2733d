package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;

/** ERC-1155 {@code TransferSingle(operator, from, to, id, value)}: one transfer of {@code value} of token {@code id}. */
final class TransferSingleDecoder implements LogDecoder {
    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        if (l.topics().size() != 4) {
            return;
        }
        add(block, tx, l, Hex.wordNumber(l.data(), 1), Hex.wordNumber(l.data(), 0), Integer.toString(l.logIndex()));
    }

    /**
     * Adds one ERC-1155 transfer of {@code value} of token {@code id}, from and to the addresses in the
     * log's second and third topics (both events index them there).
     */
    static void add(BlockDecoding block, Transaction tx, Log l, BigInteger value, BigInteger id, String eventSuffix) {
        block.transfers.add(block.transfer(
                        tx,
                        TransferKind.ERC1155,
                        Hex.addressFromWord(l.topics().get(2)),
                        Hex.addressFromWord(l.topics().get(3)),
                        l.address(),
                        value,
                        id,
                        l.logIndex(),
                        eventSuffix)
                .build());
    }
}
