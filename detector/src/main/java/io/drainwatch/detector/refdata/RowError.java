package io.drainwatch.detector.refdata;

/** A rejected row of an operator file: where it is and why it was not loaded. */
public record RowError(String file, int line, String reason) {
    /** {@code file:line: reason}, the form compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + reason;
    }
}
