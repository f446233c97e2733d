package io.drainwatch.detector.chain;

/** Why a JSON-RPC request failed; the label of {@code drainwatch_rpc_errors_total{kind}}. */
public enum RpcErrorKind {
    TIMEOUT("timeout", true),
    HTTP_429("http_429", true),
    HTTP_5XX("http_5xx", true),
    RPC_ERROR("rpc_error", false),
    IO("io", true);

    private final String label;
    private final boolean retryable;

    RpcErrorKind(String label, boolean retryable) {
        this.label = label;
        this.retryable = retryable;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** Whether the same request may succeed when sent again (to this or another endpoint). */
    public boolean retryable() {
        return retryable;
    }
}
