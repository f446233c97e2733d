package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static ReorgWindow.Entry entry(long n) {
        return new ReorgWindow.Entry(n, "0xh" + n, "0xh" + (n - 1), 1000 + n, null);
    }

    @Test
    void progressRoundTripsTheWindowAsJson() {
        ReorgWindow window = ReorgWindow.of(4, List.of(entry(1), entry(2), entry(3)));
        Progress read = Progress.fromJson(Progress.of(7, window).toJson());
        assertThat(read.chainId()).isEqualTo(7);
        assertThat(read.head().number()).isEqualTo(3);
        assertThat(read.window()).extracting(ReorgWindow.Entry::hash).containsExactly("0xh1", "0xh2", "0xh3");
        assertThat(read.window()).extracting(ReorgWindow.Entry::writtenAt).containsExactly(1001L, 1002L, 1003L);
    }

    @Test
    void windowKeepsItsCapacityAndRebasesOnAnAncestor() {
        List<ReorgWindow.Entry> entries = new ArrayList<>();
        for (long n = 1; n <= 6; n++) {
            entries.add(entry(n));
        }
        ReorgWindow window = ReorgWindow.of(4, entries);
        assertThat(window.oldest().number()).isEqualTo(3);
        assertThat(window.above(4)).extracting(ReorgWindow.Entry::number).containsExactly(6L, 5L);
        ReorgWindow rebased = window.rebase(4, List.of(new ReorgWindow.Entry(5, "0xother5", "0xh4", 2000, null)));
        assertThat(rebased.entries()).extracting(ReorgWindow.Entry::hash).containsExactly("0xh3", "0xh4", "0xother5");
        assertThat(rebased.contains("0xh6")).isFalse();
    }
}
