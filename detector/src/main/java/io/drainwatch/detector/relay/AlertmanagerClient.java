package io.drainwatch.detector.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drainwatch.detector.model.Urls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts alerts to every Alertmanager of a cluster ({@code POST /api/v2/alerts}) at once, as Prometheus
 * does: Alertmanagers do not share received alerts, only which notifications they sent.
 */
public final class AlertmanagerClient {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> bases;
    private final List<URI> endpoints;
    private final List<java.util.Optional<String>> authorizations;
    private final List<String> names;
    private final Duration timeout;
    private final HttpClient http;

    public AlertmanagerClient(List<URI> alertmanagers, Duration timeout) {
        this.bases = List.copyOf(alertmanagers);
        this.endpoints =
                alertmanagers.stream().map(AlertmanagerUrls::alertsEndpoint).toList();
        this.authorizations =
                alertmanagers.stream().map(AlertmanagerUrls::basicAuthorization).toList();
        this.names = alertmanagers.stream().map(Urls::redacted).toList();
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** What each Alertmanager said about one post. */
    public enum Outcome {
        /** 2xx: the alerts are in. */
        ACCEPTED,
        /** 400, 413 or 422: the alerts are invalid (or too many at once); the same post cannot succeed. */
        REJECTED,
        /**
         * No answer, 5xx, or a 4xx that is about the request rather than the alerts (401, 403, 404, 429,
         * ...: credentials, path, rate limit): worth retrying once that is fixed.
         */
        FAILED;

        /** The value of the {@code outcome} metric label. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The outcome of one post per Alertmanager, in configuration order. */
    public record Delivery(List<Outcome> outcomes) {
        /** At least one Alertmanager has the alerts: they will be notified. */
        public boolean accepted() {
            return outcomes.contains(Outcome.ACCEPTED);
        }

        /** Every Alertmanager refused the alerts as invalid: retrying would block the relay forever. */
        public boolean rejectedByAll() {
            return !outcomes.isEmpty() && outcomes.stream().allMatch(o -> o == Outcome.REJECTED);
        }
    }

    /** Posts {@code alerts} to every Alertmanager and waits for all answers (each bounded by the timeout). */
    public Delivery post(List<PostableAlert> alerts) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(
                    alerts.stream().map(PostableAlert::json).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode alerts as JSON", e);
        }
        List<CompletableFuture<Outcome>> answers = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            String name = names.get(i);
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoints.get(i))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            authorizations.get(i).ifPresent(value -> request.header("Authorization", value));
            answers.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> outcome(name, alerts.size(), response, error)));
        }
        return new Delivery(answers.stream().map(CompletableFuture::join).toList());
    }

    /** What one Alertmanager answered to {@code GET /api/v2/status}: up with its version, or why not. */
    public record Status(String alertmanager, boolean up, String detail) {}

    /**
     * Asks every Alertmanager for its status with the credentials the posts use, so a wrong path,
     * password or proxy shows before the first page is due.
     */
    public List<Status> status() {
        List<CompletableFuture<Status>> answers = new ArrayList<>();
        for (int i = 0; i < bases.size(); i++) {
            String name = names.get(i);
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            AlertmanagerUrls.endpoint(bases.get(i), "/api/v2/status"))
                    .timeout(timeout)
                    .GET();
            authorizations.get(i).ifPresent(value -> request.header("Authorization", value));
            answers.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> status(name, response, error)));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    private static Status status(String name, @Nullable HttpResponse<String> response, @Nullable Throwable error) {
        if (error != null || response == null) {
            Throwable cause = error == null ? new IllegalStateException("no answer") : error;
            cause = cause.getCause() != null ? cause.getCause() : cause;
            return new Status(name, false, "unreachable (" + cause.getClass().getSimpleName() + ")");
        }
        if (response.statusCode() / 100 != 2) {
            return new Status(
                    name,
                    false,
                    "answered HTTP " + response.statusCode()
                            + (response.statusCode() == 401 || response.statusCode() == 403 ? " (credentials)" : ""));
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String version = body.path("versionInfo").path("version").asText("unknown");
            String cluster = body.path("cluster").path("status").asText("unknown");
            return new Status(name, true, "Alertmanager " + version + ", cluster " + cluster);
        } catch (JsonProcessingException e) {
            return new Status(name, false, "answered HTTP " + response.statusCode() + " but not Alertmanager's JSON");
        }
    }

    private static Outcome outcome(String name, int count, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            LOG.warn(
                    "event=alertmanager_unreachable alertmanager={} alerts={} error=\"{}\"",
                    name,
                    count,
                    cause.toString());
            return Outcome.FAILED;
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return Outcome.ACCEPTED;
        }
        String reason = response.body().strip();
        if (reason.length() > 300) {
            reason = reason.substring(0, 300);
        }
        if (status == 400 || status == 413 || status == 422) {
            LOG.error(
                    "event=alertmanager_rejected alertmanager={} status={} alerts={} reason=\"{}\"",
                    name,
                    status,
                    count,
                    reason);
            return Outcome.REJECTED;
        }
        LOG.warn(
                "event=alertmanager_failed alertmanager={} status={} alerts={} reason=\"{}\"",
                name,
                status,
                count,
                reason);
        return Outcome.FAILED;
    }
}
