package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.chain.NodeData.Head;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** New heads arrive over anvil's WebSocket, and keep arriving after anvil was stopped and started again. */
class HeadTrackerIT {

    @Test
    void announcesNewHeadsAndReconnectsAfterTheNodeRestarts() {
        try (AnvilNode anvil = AnvilNode.start();
                HeadTracker tracker = new HeadTracker(anvil.wsUrl(), Duration.ofMillis(200))) {
            tracker.start();
            await("subscribed").atMost(Duration.ofSeconds(10)).until(tracker::connected);
            anvil.call("evm_mine");
            AtomicReference<Head> seen = new AtomicReference<>();
            await("head 1 announced")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tracker.take()
                            .map(h -> {
                                seen.set(h);
                                return h.number() == 1;
                            })
                            .orElse(false));
            assertThat(seen.get().hash())
                    .isEqualTo(Hex.lower(anvil.call("eth_getBlockByNumber", "0x1", false)
                            .get("hash")
                            .asText()));

            anvil.stop();
            await("disconnect noticed").atMost(Duration.ofSeconds(10)).until(() -> !tracker.connected());
            anvil.startProcess();
            await("resubscribed").atMost(Duration.ofSeconds(30)).until(tracker::connected);
            anvil.call("evm_mine");
            await("head 2 announced after the restart")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tracker.take().map(h -> h.number() == 2).orElse(false));
        }
    }
}
