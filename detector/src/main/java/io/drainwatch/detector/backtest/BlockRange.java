package io.drainwatch.detector.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.chain.JsonRpcClient;
import io.drainwatch.detector.chain.RpcErrorKind;
import io.drainwatch.detector.chain.RpcException;
import io.drainwatch.detector.config.ConfigException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The blocks a backtest replays, both ends included. */
public record BlockRange(long from, long to) {
    public BlockRange {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("not a block range: " + from + ".." + to);
        }
    }

    public long blocks() {
        return to - from + 1;
    }

    /**
     * The range the options name, checked against the node: {@code --from-block} to {@code --to-block}
     * (default: the node's head), or the blocks of the last {@code last} before {@code --to-block} by block
     * time. A range the node cannot serve is a configuration error naming the option.
     */
    public static BlockRange resolve(
            JsonRpcClient node, @Nullable Long fromBlock, @Nullable Long toBlock, @Nullable Duration last) {
        if (fromBlock != null && last != null) {
            throw new ConfigException("--last", "give either --from-block or --last, not both");
        }
        if (fromBlock == null && last == null) {
            throw new ConfigException("--from-block", "required (or --last DURATION back from the head)");
        }
        if (last != null && (last.isNegative() || last.isZero())) {
            throw new ConfigException("--last", "must be a positive duration, got " + last);
        }
        long head = number(node.call("eth_blockNumber"));
        long to = toBlock == null ? head : toBlock;
        if (to > head) {
            throw new ConfigException("--to-block", to + " is beyond the node's head " + head);
        }
        if (to < 0) {
            throw new ConfigException("--to-block", "must be 0 or more, got " + to);
        }
        long from;
        if (last != null) {
            from = firstAtOrAfter(node, time(node, to) - last.toSeconds(), to);
        } else {
            from = Objects.requireNonNull(fromBlock, "--from-block");
            if (from < 0) {
                throw new ConfigException("--from-block", "must be 0 or more, got " + from);
            }
            if (from > to) {
                throw new ConfigException("--from-block", from + " is after --to-block " + to);
            }
        }
        return new BlockRange(from, to);
    }

    /** The first block at or before {@code to} whose time is at or after {@code seconds} (a binary search). */
    private static long firstAtOrAfter(JsonRpcClient node, long seconds, long to) {
        long low = 0;
        long high = to;
        while (low < high) {
            long mid = low + (high - low) / 2;
            if (time(node, mid) >= seconds) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    private static long time(JsonRpcClient node, long number) {
        JsonNode block = node.call("eth_getBlockByNumber", "0x" + Long.toHexString(number), false);
        if (block.isNull()) {
            throw new RpcException(RpcErrorKind.RPC_ERROR, "the node has no block " + number);
        }
        return number(block.get("timestamp"));
    }

    private static long number(JsonNode quantity) {
        return Long.parseUnsignedLong(quantity.asText().substring(2), 16);
    }
}
