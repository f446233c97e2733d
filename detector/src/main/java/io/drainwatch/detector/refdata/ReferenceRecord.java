package io.drainwatch.detector.refdata;

import java.util.Optional;

/**
 * One accepted row: the record key and the value to write, or no value for a tombstone (a row of
 * a {@link ImportMode#DELETE} import).
 */
public record ReferenceRecord<T>(int line, String key, Optional<T> value) {}
