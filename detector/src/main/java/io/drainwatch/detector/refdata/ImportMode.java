package io.drainwatch.detector.refdata;

/** Whether a file adds or replaces records (UPSERT) or retires them with tombstones (DELETE). */
public enum ImportMode {
    /** Every row is a complete record; it replaces any earlier record with the same key. */
    UPSERT,
    /** Only the key columns are needed; each row removes the record with that key. */
    DELETE
}
