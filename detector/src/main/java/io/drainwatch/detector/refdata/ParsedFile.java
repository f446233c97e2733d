package io.drainwatch.detector.refdata;

import java.util.List;

/** What a file held: the rows that can be loaded, in file order, and the rows that cannot. */
public record ParsedFile<T>(List<ReferenceRecord<T>> accepted, List<RowError> rejected) {
    public ParsedFile {
        accepted = List.copyOf(accepted);
        rejected = List.copyOf(rejected);
    }
}
