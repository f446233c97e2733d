package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SourceWatermarkTest {
    private static SourceWatermark ticked(SourceWatermark w, int source, long block) {
        return w.with(new BlockTick(1, block, source, 3));
    }

    @Test
    void thereIsNoWatermarkUntilEverySourceHasTicked() {
        SourceWatermark w = ticked(ticked(SourceWatermark.empty(), 0, 10), 2, 12);
        assertThat(w.watermark()).isEmpty();
        assertThat(ticked(w, 1, 11).watermark()).isEqualTo(OptionalLong.of(10));
    }

    @Test
    void theWatermarkIsTheLowestSourceAndMovesWhenItMoves() {
        SourceWatermark w = ticked(ticked(ticked(SourceWatermark.empty(), 0, 10), 1, 11), 2, 12);
        SourceWatermark faster = ticked(w, 2, 20);
        assertThat(faster.advancedFrom(w)).isEmpty();
        SourceWatermark slowestMoved = ticked(faster, 0, 15);
        assertThat(slowestMoved.advancedFrom(faster)).isEqualTo(OptionalLong.of(11));
    }

    @Test
    void aSourceNeverGoesBackWhenAReorganisedChainTicksLower() {
        SourceWatermark w = ticked(ticked(ticked(SourceWatermark.empty(), 0, 10), 1, 10), 2, 10);
        SourceWatermark lower = ticked(w, 1, 7);
        assertThat(lower).isEqualTo(w);
        assertThat(lower.watermark()).isEqualTo(OptionalLong.of(10));
    }

    @Test
    void theFirstWatermarkIsAnAdvance() {
        SourceWatermark w = ticked(ticked(SourceWatermark.empty(), 0, 10), 1, 11);
        assertThat(ticked(w, 2, 5).advancedFrom(w)).isEqualTo(OptionalLong.of(5));
    }

    @Test
    void moreSourcesWaitForTheNewOnes() {
        SourceWatermark w = SourceWatermark.empty().with(new BlockTick(1, 10, 0, 1));
        assertThat(w.watermark()).isEqualTo(OptionalLong.of(10));
        SourceWatermark grown = w.with(new BlockTick(1, 11, 0, 2));
        assertThat(grown.watermark()).isEmpty();
        assertThat(grown.with(new BlockTick(1, 12, 1, 2)).watermark()).isEqualTo(OptionalLong.of(11));
    }
}
