package io.drainwatch.detector.backtest;

import io.drainwatch.detector.topic.Keys;
import org.jspecify.annotations.Nullable;

/**
 * A wallet the operator knows was drained in the backtested range: one row of the {@code --truth} file.
 *
 * @param firstBlock the block of its first unauthorised outflow, when known (the delay to its first page
 *     is counted from there)
 */
public record Victim(long chainId, String address, @Nullable Long firstBlock) {
    /** {@code chainId:address}, as wallets are keyed everywhere. */
    public String key() {
        return Keys.address(chainId, address);
    }
}
