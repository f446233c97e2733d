package io.drainwatch.detector.chain;

/** A JSON-RPC failure after retries; the message never contains a whole RPC URL. */
public final class RpcException extends RuntimeException {
    private final RpcErrorKind kind;

    public RpcException(RpcErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RpcException(RpcErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What kind of failure this was. */
    public RpcErrorKind kind() {
        return kind;
    }
}
