package io.drainwatch.detector.opstest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** A real Prometheus scraping drainwatch roles every second and evaluating drainwatch's rule files. */
public final class Prometheus {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Prometheus() {}

    /**
     * Starts Prometheus on a free port: one job per entry of {@code jobs} (job name to host:port), the rule
     * files of {@code rulesDir}, alerts sent to {@code alertmanager}.
     */
    public static ExternalProcess start(
            Map<String, String> jobs, Path rulesDir, ExternalProcess alertmanager, Path workDir) {
        try {
            String scrapes = jobs.entrySet().stream()
                    .map(job -> "  - job_name: " + job.getKey() + "\n    static_configs:\n      - targets: ['"
                            + job.getValue() + "']\n")
                    .collect(Collectors.joining());
            Path config = workDir.resolve("prometheus.yml");
            Files.writeString(config, """
          global: {scrape_interval: 1s, evaluation_interval: 1s}
          rule_files: ['%s/*.rules.yml']
          alerting:
            alertmanagers:
              - static_configs: [{targets: ['127.0.0.1:%d']}]
          scrape_configs:
          %s""".formatted(rulesDir, alertmanager.port(), scrapes));
            Files.createDirectories(workDir.resolve("prometheus-data"));
            int port = ExternalProcess.freePort();
            return ExternalProcess.start(
                    "prometheus",
                    workDir,
                    port,
                    "prometheus",
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + workDir.resolve("prometheus-data"),
                    "--web.listen-address=127.0.0.1:" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs an instant query; the whole answer ({@code status}, {@code data} or {@code error}). */
    public static JsonNode query(ExternalProcess prometheus, String promql) {
        return get(prometheus, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** Every metric name Prometheus holds a series of: scraped, or recorded by a rule. */
    public static java.util.Set<String> metricNames(ExternalProcess prometheus) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        get(prometheus, "/api/v1/label/__name__/values").path("data").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The alerts of the alerting rules, pending and firing. */
    public static JsonNode alerts(ExternalProcess prometheus) {
        return get(prometheus, "/api/v1/alerts");
    }

    private static JsonNode get(ExternalProcess prometheus, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(prometheus.url() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
