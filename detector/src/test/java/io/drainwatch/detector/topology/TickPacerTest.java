package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TickPacerTest {
    private final TickPacer pacer = new TickPacer(50);

    private static TickPacer.Paced tick(long chain, long block) {
        return new TickPacer.Paced(new BlockTick(chain, block, 0, 1), block);
    }

    @Test
    void aTickAfterAQuietIntervalGoesOnAtOnce() {
        assertThat(pacer.offer(tick(1, 10), 1_000)).contains(tick(1, 10));
        assertThat(pacer.offer(tick(1, 11), 1_050)).contains(tick(1, 11));
        assertThat(pacer.due(2_000)).isEmpty();
    }

    @Test
    void aBurstSendsItsHighestTickOnceTheIntervalHasPassed() {
        assertThat(pacer.offer(tick(1, 10), 1_000)).isPresent();
        assertThat(pacer.offer(tick(1, 11), 1_010)).isEmpty();
        assertThat(pacer.offer(tick(1, 13), 1_020)).isEmpty();
        // a reorganised chain's lower tick does not replace a higher one
        assertThat(pacer.offer(tick(1, 12), 1_030)).isEmpty();
        assertThat(pacer.due(1_040)).isEmpty();
        assertThat(pacer.due(1_050)).containsExactly(tick(1, 13));
        assertThat(pacer.due(1_200)).isEmpty();
    }

    @Test
    void chainsArePacedApart() {
        assertThat(pacer.offer(tick(1, 10), 1_000)).isPresent();
        assertThat(pacer.offer(tick(137, 500), 1_010)).isPresent();
        assertThat(pacer.offer(tick(1, 11), 1_020)).isEmpty();
        assertThat(pacer.due(1_055)).containsExactly(tick(1, 11));
    }

    @Test
    void aDeferredTickGoesAtTheNextDueAsTheHighestOfItsChain() {
        pacer.defer(tick(1, 12));
        pacer.defer(tick(1, 11));
        assertThat(pacer.due(1_000)).containsExactly(tick(1, 12));
        assertThat(pacer.due(2_000)).isEmpty();
    }
}
