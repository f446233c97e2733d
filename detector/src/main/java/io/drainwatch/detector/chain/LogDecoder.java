package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;

/**
 * Decodes the logs of one event signature into {@code block}. A log with the signature but another number
 * of topics is another standard's event (or none) and adds nothing; one with the expected shape that does
 * not decode as it throws, and {@link LogDecoders} skips and counts it.
 */
@FunctionalInterface
interface LogDecoder {
    void decode(BlockDecoding block, Transaction tx, Log log);
}
