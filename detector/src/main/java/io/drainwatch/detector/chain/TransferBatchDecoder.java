package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * ERC-1155 {@code TransferBatch(operator, from, to, ids, values)}: one transfer per token id, the i-th id
 * with the i-th value, each with its own event id ({@code logIndex:i}).
 */
final class TransferBatchDecoder implements LogDecoder {
    private static final BigInteger WORD_BYTES = BigInteger.valueOf(32);

    @Override
    public void decode(BlockDecoding block, Transaction tx, Log l) {
        if (l.topics().size() != 4) {
            return;
        }
        List<BigInteger> ids = array(l.data(), 0);
        List<BigInteger> values = array(l.data(), 1);
        if (ids.size() != values.size()) {
            throw new IllegalArgumentException(
                    "ids (" + ids.size() + ") and values (" + values.size() + ") differ in length");
        }
        String idx = Integer.toString(l.logIndex());
        for (int i = 0; i < ids.size(); i++) {
            TransferSingleDecoder.add(block, tx, l, values.get(i), ids.get(i), idx + ":" + i);
        }
    }

    /**
     * The dynamic uint256[] whose byte offset is in word {@code headIndex}. Offset and length come from the
     * log, so both are checked against the words actually present before anything is allocated.
     */
    private static List<BigInteger> array(String data, int headIndex) {
        int words = Hex.words(data);
        BigInteger offset = Hex.wordNumber(data, headIndex);
        if (offset.mod(WORD_BYTES).signum() != 0 || offset.compareTo(BigInteger.valueOf(32L * words)) >= 0) {
            throw new IllegalArgumentException(
                    "array offset " + offset + " is not a word inside the " + words + " words of data");
        }
        int at = offset.divide(WORD_BYTES).intValueExact();
        BigInteger length = Hex.wordNumber(data, at);
        if (length.compareTo(BigInteger.valueOf(words - at - 1L)) > 0) {
            throw new IllegalArgumentException(
                    "array length " + length + " exceeds the " + (words - at - 1) + " words after it");
        }
        int n = length.intValueExact();
        List<BigInteger> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Hex.wordNumber(data, at + 1 + i));
        }
        return out;
    }
}
