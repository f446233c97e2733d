package io.drainwatch.detector.alert;

import org.jspecify.annotations.Nullable;

/**
 * Word to the fleet stage that a wallet of a custody group was drained (or, when {@code retracted},
 * that a reorganisation removed that evidence).
 */
public record DrainSignal(
        String custodyGroup,
        long chainId,
        String wallet,
        String rule,
        String alertId,
        String eventId,
        @Nullable String destination,
        @Nullable Double usd,
        long blockTime,
        boolean retracted) {}
