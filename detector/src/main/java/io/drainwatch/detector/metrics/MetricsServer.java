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
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Serves {@code /metrics} (Prometheus text format), {@code /health} (the process is alive) and
 * {@code /ready} (the role is doing its work, as the role's readiness check says).
 */
public final class MetricsServer implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private volatile BooleanSupplier ready = () -> true;

  private MetricsServer(PrometheusMeterRegistry registry, HttpServer server) {
    this.registry = registry;
    this.server = server;
  }

  /** Starts serving on {@code host:port} (port 0 picks a free port). */
  public static MetricsServer start(String host, int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
      MetricsServer metrics = new MetricsServer(registry, server);
      server.createContext("/metrics", exchange -> metrics.respond(exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
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

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
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
    server.stop(0);
    registry.close();
  }
}
