package io.drainwatch.detector.opstest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for the pager and chat bridges: records every Alertmanager webhook notification. */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();

    /** One webhook call: the receiver path ({@code /pager}, {@code /chat}), when it arrived, and its body. */
    public record Notification(String path, Instant receivedAt, JsonNode body) {
        /** {@code firing} or {@code resolved}. */
        public String status() {
            return body.get("status").asText();
        }

        /** A group label of the notification, e.g. {@code incident_id}. */
        public String groupLabel(String name) {
            return body.path("groupLabels").path(name).asText("");
        }

        /** The alerts of the notification. */
        public List<JsonNode> alerts() {
            List<JsonNode> alerts = new java.util.ArrayList<>();
            body.get("alerts").forEach(alerts::add);
            return alerts;
        }
    }

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            notifications.add(new Notification(exchange.getRequestURI().getPath(), Instant.now(), body));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** The base URL that replaces {@code http://drainwatch-webhook:9501} in the Alertmanager configuration. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every notification so far, oldest first. */
    public List<Notification> notifications() {
        return List.copyOf(notifications);
    }

    /** Notifications to {@code path} whose alerts include one with {@code alertname}. */
    public List<Notification> to(String path, String alertname) {
        return notifications().stream()
                .filter(n -> n.path().equals(path))
                .filter(n -> n.alerts().stream()
                        .anyMatch(
                                a -> a.path("labels").path("alertname").asText().equals(alertname)))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
