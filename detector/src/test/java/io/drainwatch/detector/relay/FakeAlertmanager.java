package io.drainwatch.detector.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** An HTTP server answering {@code POST /api/v2/alerts} with a settable status, recording each body. */
final class FakeAlertmanager implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> posts = new CopyOnWriteArrayList<>();
    private final List<java.net.URI> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile Predicate<JsonNode> invalid = alert -> false;

    FakeAlertmanager() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v2/alerts", exchange -> {
            requests.add(exchange.getRequestURI());
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            int answer = status;
            for (JsonNode alert : body) {
                if (answer / 100 == 2 && invalid.test(alert)) {
                    answer = 400;
                }
            }
            if (answer / 100 == 2) {
                posts.add(body);
            }
            byte[] reply = (answer / 100 == 2 ? "" : "{\"error\":\"test\"}").getBytes();
            exchange.sendResponseHeaders(answer, reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                exchange.getResponseBody().write(reply);
            }
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(int status) {
        this.status = status;
    }

    /** Answers 400, as Alertmanager does for an invalid alert, to every post holding an alert that matches. */
    void rejectAlerts(Predicate<JsonNode> invalid) {
        this.invalid = invalid;
    }

    /** Bodies of the accepted posts, oldest first; each is a JSON array of alerts. */
    List<JsonNode> accepted() {
        return List.copyOf(posts);
    }

    /** Path and query of every request, oldest first. */
    List<java.net.URI> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
