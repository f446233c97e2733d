package io.drainwatch.detector.chain;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces requests to at most {@code perSecond} on average (each call of a batch counts, as providers
 * bill them). Zero means unlimited.
 */
final class RateLimiter {
    private final long intervalNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    void acquire(int permits) {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            // a burst up to one second of budget is allowed after an idle period
            next = Math.max(next, now - TimeUnit.SECONDS.toNanos(1));
            wait = next - now;
            next += intervalNanos * permits;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
