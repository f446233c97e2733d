package io.drainwatch.detector.refdata;

/** Thrown by a row format when a row cannot be loaded; the message is the reason shown to the operator. */
public final class RowRejected extends Exception {
    public RowRejected(String reason) {
        super(reason, null, false, false);
    }
}
