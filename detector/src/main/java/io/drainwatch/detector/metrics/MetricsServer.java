package io.drainwatch.detector.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text format), {@code /health} (the process is alive) and
 * {@code /ready} (the role is doing its work, as the role's readiness check says; 503 until the role has
 * set that check).
 *
 * <p>Roles start it with {@link #start(String, int, String)}: every meter then carries the common tag
 * {@code role} ({@code detect}, {@code ingest}, {@code relay}) and the JVM and process meters are bound.
 */
public final class MetricsServer implements AutoCloseable {
    /** The port that serves nothing: the role keeps its meters but no endpoint is bound. */
    public static final int OFF = -1;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private final PrometheusMeterRegistry registry;
    private final @Nullable HttpServer server;
    /** Not ready until the role says how to tell: a probe before then (during its start-up checks) gets 503. */
    private volatile BooleanSupplier ready = () -> false;

    private volatile @Nullable ProcessMetrics processMetrics;

    private MetricsServer(PrometheusMeterRegistry registry, @Nullable HttpServer server) {
        this.registry = registry;
        this.server = server;
    }

    /** Roles that may tag their meters; a fixed set so {@code role} stays a bounded label. */
    public static final Set<String> ROLES = Set.of("detect", "ingest", "relay");

    /**
     * Starts serving on {@code host:port} for {@code role}: every meter is tagged {@code role=<role>}, and
     * JVM and process meters are bound. Port 0 picks a free port; {@link #OFF} (-1) binds none, the
     * meters are still kept. The address served, or that none is, is logged.
     */
    public static MetricsServer start(String host, int port, String role) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be one of " + new TreeSet<>(ROLES) + ", was '" + role + "'");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("role", role);
        MetricsServer server = port == OFF ? new MetricsServer(registry, null) : serve(registry, host, port);
        server.processMetrics = ProcessMetrics.bindTo(registry);
        if (port == OFF) {
            LOG.info("event=metrics_off role={}", role);
        } else {
            LOG.info("event=metrics_serving role={} host={} port={}", role, host, server.port());
        }
        return server;
    }

    /** Starts serving on {@code host:port} (port 0 picks a free port), without a role tag. */
    public static MetricsServer start(String host, int port) {
        return serve(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), host, port);
    }

    private static MetricsServer serve(PrometheusMeterRegistry registry, String host, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535 or -1 (off), was " + port);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            MetricsServer metrics = new MetricsServer(registry, server);
            server.createContext(
                    "/metrics",
                    exchange -> metrics.respond(
                            exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
            server.createContext("/health", exchange -> metrics.respond(exchange, 200, "ok\n", "text/plain"));
            server.createContext("/ready", exchange -> {
                boolean ok = metrics.ready.getAsBoolean();
                metrics.respond(exchange, ok ? 200 : 503, ok ? "ready\n" : "not ready\n", "text/plain");
            });
            server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "metrics-http");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return metrics;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
        }
    }

    /** The registry every meter of this process registers with. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The port actually bound, or {@link #OFF} when none is. */
    public int port() {
        HttpServer http = server;
        return http == null ? OFF : http.getAddress().getPort();
    }

    /** Whether an endpoint is served. */
    public boolean serving() {
        return server != null;
    }

    /** Sets the check behind {@code /ready}. */
    public void readiness(BooleanSupplier check) {
        this.ready = check;
    }

    private void respond(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        HttpServer http = server;
        if (http != null) {
            http.stop(0);
        }
        ProcessMetrics process = processMetrics;
        if (process != null) {
            process.close();
        }
        registry.close();
    }
}
