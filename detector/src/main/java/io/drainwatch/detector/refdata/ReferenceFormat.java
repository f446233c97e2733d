package io.drainwatch.detector.refdata;

import java.util.List;

/**
 * One kind of operator file (wallets, allowlist, labels, prices): its columns and how a row becomes
 * a record key and value. Implementations are pure: no I/O, no Kafka.
 */
public interface ReferenceFormat<T> {
    /** Columns that make the key; required in every mode. */
    List<String> keyColumns();

    /** Further columns required to build a value. */
    List<String> valueColumns();

    /** Columns that may be present or not. */
    List<String> optionalColumns();

    /** The record key of a row; validates the key columns. */
    String key(RowFields row) throws RowRejected;

    /** The record value of a row; called only for rows whose key is valid. */
    T value(RowFields row) throws RowRejected;
}
