package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void spacesCallsToTheConfiguredRate() {
        RateLimiter limiter = new RateLimiter(200);
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            limiter.acquire(1);
        }
        // 99 intervals of 5 ms at least; no upper bound, the machine may be busy
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(450);
    }

    @Test
    void zeroMeansUnlimited() {
        RateLimiter limiter = new RateLimiter(0);
        long start = System.nanoTime();
        limiter.acquire(1_000_000);
        limiter.acquire(1_000_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
    }
}
