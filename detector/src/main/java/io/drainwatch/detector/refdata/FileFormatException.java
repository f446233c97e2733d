package io.drainwatch.detector.refdata;

/** The file as a whole cannot be imported (no header, a required column missing): nothing is loaded. */
public final class FileFormatException extends RuntimeException {
    public FileFormatException(String file, String problem) {
        super(file + ": " + problem);
    }
}
