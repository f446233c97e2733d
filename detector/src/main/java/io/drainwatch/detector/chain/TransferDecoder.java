package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;

/**
 * {@code Transfer(address,address,uint256)}: an ERC-20 transfer (amount in data) with three topics, an
 * ERC-721 transfer of one token (id as the fourth topic) with four.
 */
final class TransferDecoder implements LogDecoder {
    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        int n = l.topics().size();
        if (n == 3) {
            block.transfers.add(block.transfer(
                            tx,
                            TransferKind.ERC20,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            Hex.wordNumber(l.data(), 0),
                            null,
                            l.logIndex(),
                            Integer.toString(l.logIndex()))
                    .build());
        } else if (n == 4) {
            block.transfers.add(block.transfer(
                            tx,
                            TransferKind.ERC721,
                            Hex.addressFromWord(l.topics().get(1)),
                            Hex.addressFromWord(l.topics().get(2)),
                            l.address(),
                            BigInteger.ONE,
                            Hex.big(l.topics().get(3)),
                            l.logIndex(),
                            Integer.toString(l.logIndex()))
                    .build());
        }
    }
}
