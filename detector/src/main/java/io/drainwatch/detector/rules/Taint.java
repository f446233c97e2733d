package io.drainwatch.detector.rules;

import java.util.List;

/**
 * An address that received drained funds: who was drained, by which alert, and until when (block time)
 * its onward payments are followed.
 *
 * @param victims the watched wallets the drain took funds from (first ones, bounded)
 * @param txHashes the drain's transactions (latest ones, bounded)
 * @param block the block of the drain's latest evidence
 * @param time the block time of the drain's latest evidence
 * @param expiresAt block time after which the address is no longer followed
 */
public record Taint(
        String address,
        long chainId,
        String custodyGroup,
        List<String> victims,
        String sourceRule,
        String sourceAlertId,
        List<String> txHashes,
        long block,
        long time,
        long expiresAt) {

    /** Whether a payment at block time {@code blockTime} is still followed. */
    public boolean covers(long blockTime) {
        return blockTime <= expiresAt;
    }
}
