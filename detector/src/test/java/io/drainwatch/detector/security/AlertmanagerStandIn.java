package io.drainwatch.detector.security;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers Alertmanager's {@code POST /api/v2/alerts} with 200, keeping each body and Authorization header. */
final class AlertmanagerStandIn implements AutoCloseable {
    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    AlertmanagerStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v2/alerts", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            String query = exchange.getRequestURI().getRawQuery();
            queries.add(query == null ? "" : query);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * {@code http://user:password@127.0.0.1:port/?token=TOKEN}: credentials in the user info and a
     * token in the query, as the proxies in front of Alertmanager take them.
     */
    String url(String user, String password, String token) {
        return "http://" + user + ":" + password + "@127.0.0.1:"
                + server.getAddress().getPort() + "/?token=" + token;
    }

    List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** The raw query of each post. */
    List<String> queries() {
        return List.copyOf(queries);
    }

    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
