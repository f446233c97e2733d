package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingestor's checkpoint for one chain: the last block written and the recent block hashes
 * (oldest first) that let a restarted ingestor recognise a reorganisation that happened while it
 * was down. Written in the same Kafka transaction as that block's events; JSON, so an operator can
 * read it with any console consumer.
 */
public record Progress(long chainId, List<ReorgWindow.Entry> window) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Progress {
        window = window.stream()
                .map(e -> new ReorgWindow.Entry(e.number(), e.hash(), e.parentHash(), e.writtenAt(), null))
                .toList();
    }

    public static Progress of(long chainId, ReorgWindow window) {
        return new Progress(chainId, window.entries());
    }

    public ReorgWindow.Entry head() {
        return window.get(window.size() - 1);
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("chainId", chainId);
        root.put("number", head().number());
        root.put("hash", head().hash());
        ArrayNode blocks = root.putArray("window");
        for (ReorgWindow.Entry e : window) {
            blocks.addArray().add(e.number()).add(e.hash()).add(e.parentHash()).add(e.writtenAt());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Progress fromJson(byte[] bytes) {
        try {
            JsonNode root = JSON.readTree(bytes);
            List<ReorgWindow.Entry> entries = new ArrayList<>();
            for (JsonNode b : root.path("window")) {
                entries.add(new ReorgWindow.Entry(
                        b.get(0).asLong(),
                        b.get(1).asText(),
                        b.get(2).asText(),
                        b.path(3).asLong(0),
                        null));
            }
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("progress record without blocks");
            }
            return new Progress(root.path("chainId").asLong(), entries);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable progress record", e);
        }
    }
}
