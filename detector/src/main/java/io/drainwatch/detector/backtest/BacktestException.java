package io.drainwatch.detector.backtest;

/** A backtest that could not complete (the node, the broker or the detector failed); the message says why. */
public final class BacktestException extends RuntimeException {
    public BacktestException(String reason) {
        super(reason);
    }

    public BacktestException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
