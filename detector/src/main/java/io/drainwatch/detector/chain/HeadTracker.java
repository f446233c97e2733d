package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.chain.NodeData.Head;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the ingest loop when the chain moved: {@code newHeads} notifications over a WebSocket are the
 * trigger; when the socket is down (or none is configured) the loop falls back to polling over HTTP
 * at the poll interval. A lost socket is reconnected with backoff, for ever.
 */
public final class HeadTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeadTracker.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final @Nullable RpcUrl ws;
    private final Duration pollInterval;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "head-tracker");
        t.setDaemon(true);
        return t;
    });
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition announced = lock.newCondition();
    private @Nullable Head latest;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile @Nullable WebSocket socket;
    private long backoffMillis = 250;

    public HeadTracker(@Nullable RpcUrl ws, Duration pollInterval) {
        this.ws = ws;
        this.pollInterval = pollInterval;
    }

    public void start() {
        if (ws != null) {
            connect();
        }
    }

    /** Whether new heads arrive over the socket right now. */
    public boolean connected() {
        return connected;
    }

    /** The newest head announced since the last call, if any. */
    public Optional<Head> take() {
        lock.lock();
        try {
            Head h = latest;
            latest = null;
            return Optional.ofNullable(h);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for an announcement: at most the poll interval, or a few poll intervals while the socket
     * is up (a safety net against a silent subscription).
     */
    public void await() throws InterruptedException {
        lock.lock();
        try {
            if (latest == null) {
                announced.await(
                        connected ? pollInterval.toMillis() * 5 : pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    private void connect() {
        if (closed || ws == null) {
            return;
        }
        http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(ws.uri(), new Listener())
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        log.warn(
                                "event=ws_connect_failed endpoint={} reason=\"{}\" retry_ms={}",
                                ws.redacted(),
                                error.getClass().getSimpleName(),
                                backoffMillis);
                        scheduleReconnect();
                    } else {
                        this.socket = socket;
                        socket.sendText(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}",
                                true);
                    }
                });
    }

    private void scheduleReconnect() {
        connected = false;
        if (closed) {
            return;
        }
        long delay = backoffMillis;
        backoffMillis = Math.min(30_000, backoffMillis * 2);
        reconnects.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void onMessage(String text) {
        try {
            JsonNode msg = JSON.readTree(text);
            if (msg.has("id") && msg.has("result")) {
                connected = true;
                backoffMillis = 250;
                log.info("event=ws_subscribed endpoint={}", ws == null ? "" : ws.redacted());
                return;
            }
            if (msg.has("error")) {
                log.warn(
                        "event=ws_subscribe_refused reason=\"{}\"",
                        msg.get("error").path("message").asText());
                WebSocket s = socket;
                if (s != null) {
                    s.abort();
                }
                scheduleReconnect();
                return;
            }
            JsonNode result = msg.path("params").path("result");
            if (result.has("hash") && result.has("number")) {
                Head head = NodeData.head(result);
                lock.lock();
                try {
                    if (latest == null || head.number() >= latest.number()) {
                        latest = head;
                    }
                    announced.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("event=ws_unreadable reason=\"{}\"", e.getMessage());
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            log.warn("event=ws_closed status={} retry_ms={}", statusCode, backoffMillis);
            scheduleReconnect();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.warn(
                    "event=ws_failed reason=\"{}\" retry_ms={}",
                    error.getClass().getSimpleName(),
                    backoffMillis);
            scheduleReconnect();
        }
    }

    @Override
    public void close() {
        closed = true;
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
        reconnects.shutdownNow();
    }
}
