package io.drainwatch.detector.chain;

/** Why a JSON-RPC request failed; the label of {@code drainwatch_rpc_errors_total{kind}}. */
public enum RpcErrorKind {
    TIMEOUT("timeout", true, true, true),
    HTTP_429("http_429", true, true, false),
    HTTP_5XX("http_5xx", true, true, false),
    RPC_ERROR("rpc_error", false, false, false),
    /** HTTP 401, 403 or 404: this endpoint refuses the key or the path; another one may not. */
    HTTP_4XX("http_4xx", false, true, false),
    /** HTTP 413: the batch is too large for this endpoint. */
    HTTP_413("http_413", false, true, true),
    /** JSON-RPC -32601: this endpoint does not offer a method of the request. */
    METHOD_NOT_FOUND("method_not_found", false, true, false),
    IO("io", true, true, false);

    private final String label;
    private final boolean retryable;
    private final boolean failover;
    private final boolean split;

    RpcErrorKind(String label, boolean retryable, boolean failover, boolean split) {
        this.label = label;
        this.retryable = retryable;
        this.failover = failover;
        this.split = split;
    }

    /** The metric label. */
    public String label() {
        return label;
    }

    /** Whether the same request may succeed when sent again to the same endpoint. */
    public boolean retryable() {
        return retryable;
    }

    /** Whether the same request may succeed at another endpoint. */
    public boolean failover() {
        return failover;
    }

    /** Whether a batch that failed so may go through in smaller parts. */
    public boolean split() {
        return split;
    }
}
