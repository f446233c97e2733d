package io.drainwatch.detector.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * The filter's question about one encoded transfer: does it concern a watched wallet? Shared by the
 * main consumer's pre-filter and the filter processor so both always agree. Not thread-safe: one
 * instance per thread.
 */
final class WatchedTransferCheck {
  private final TransferPrefix prefix = new TransferPrefix();
  private final WatchedWalletsStore watched;

  WatchedTransferCheck(WatchedWalletsStore watched) {
    this.watched = watched;
  }

  /** Whether the sender is watched. Valid after {@link #parse}. */
  boolean fromWatched;
  /** Whether the recipient is watched. Valid after {@link #parse}. */
  boolean toWatched;

  /** Reads {@code value}'s chain and addresses; throws {@link SerializationException} if it is not a transfer. */
  void parse(byte[] value) {
    prefix.parse(value);
    fromWatched = prefix.fromHex >= 0 && watched.contains(prefix.chainId, value, prefix.fromHex);
    toWatched = prefix.toHex >= 0 && watched.contains(prefix.chainId, value, prefix.toHex);
  }

  /**
   * Whether the record can be dropped unseen: a well-formed transfer touching no watched wallet.
   * Anything else (a watched transfer, a tombstone, bytes that are not a transfer) goes on to the
   * filter processor, which forwards it or sends it to the dead-letter topic.
   */
  boolean ignorable(byte @Nullable [] value) {
    if (value == null) {
      return false;
    }
    try {
      parse(value);
    } catch (SerializationException e) {
      return false;
    }
    return !fromWatched && !toWatched;
  }
}
