package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** The answer to one call of a batch: a result (JSON null when the node has nothing) or an error. */
public record RpcResult(JsonNode result, @Nullable String error) {
    public boolean ok() {
        return error == null;
    }
}
