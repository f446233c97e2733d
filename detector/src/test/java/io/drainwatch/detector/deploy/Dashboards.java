package io.drainwatch.detector.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Grafana dashboards of deploy/grafana/dashboards and the PromQL of their panels. */
public final class Dashboards {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Dashboards() {}

    /** One query of one panel, with Grafana's variables replaced so Prometheus can run it. */
    public record Query(String dashboard, String panel, String expr) {
        /** The expression as Prometheus receives it from Grafana with a 15 s scrape interval. */
        public String promql() {
            return expr.replace("$__rate_interval", "1m")
                    .replace("$__interval", "15s")
                    .replace("$__range", "1h");
        }
    }

    public static List<Path> files() {
        try (Stream<Path> files = Files.list(DeployPaths.dashboards())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every panel that queries Prometheus (rows excluded), with its dashboard. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** Every query of every panel of every dashboard. */
    public static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.get("targets")) {
                    queries.add(new Query(
                            dashboard.get("uid").asText(),
                            panel.get("title").asText(),
                            target.get("expr").asText()));
                }
            }
        }
        return queries;
    }
}
