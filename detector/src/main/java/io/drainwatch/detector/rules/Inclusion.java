package io.drainwatch.detector.rules;

import org.jspecify.annotations.Nullable;

/**
 * Where and when the chain included an event: its id, its transaction (and who submitted it, when the
 * ingestor knows), its block, and whether a reorganisation has since removed it.
 */
public record Inclusion(
        String eventId, String txHash, @Nullable String txFrom, long blockNumber, long blockTime, boolean removed) {}
