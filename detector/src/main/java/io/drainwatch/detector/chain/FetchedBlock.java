package io.drainwatch.detector.chain;

import java.util.Map;

/** A block with its receipts and call traces (by transaction hash), fetched consistently by block hash. */
public record FetchedBlock(
        NodeData.Block block, Map<String, NodeData.Receipt> receipts, Map<String, NodeData.Frame> traces) {}
