package io.drainwatch.detector.chain;

/** How internal native transfers are read from the node. */
public enum TraceMode {
    /** {@code debug_traceBlockByHash} with the {@code callTracer} (geth, reth, anvil). */
    DEBUG,
    /** {@code trace_block} (Erigon, Nethermind, reth, anvil). */
    PARITY,
    /** No traces: internal transfers are not seen (for nodes that expose neither). */
    NONE
}
