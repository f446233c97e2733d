package io.drainwatch.detector.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana: dashboards with stable uids, a datasource variable every panel uses, provisioning
 * that points at them, and PromQL that Prometheus's own parser accepts. (The end-to-end test runs every
 * query against a live Prometheus.)
 */
class DashboardsIT {

    @Test
    void dashboardsHaveStableUidsAndEveryPanelQueriesTheChosenDatasource() {
        List<Path> files = Dashboards.files();
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly("fleet-overview.json", "pipeline-health.json");
        Set<String> uids = new HashSet<>();
        for (Path file : files) {
            JsonNode dashboard = Dashboards.read(file);
            assertThat(uids.add(dashboard.get("uid").asText()))
                    .as("unique uid in %s", file)
                    .isTrue();
            assertThat(dashboard.get("uid").asText()).startsWith("drainwatch-");
            JsonNode variable = dashboard.at("/templating/list/0");
            assertThat(variable.get("name").asText()).isEqualTo("datasource");
            assertThat(variable.get("type").asText()).isEqualTo("datasource");
            assertThat(variable.get("query").asText()).isEqualTo("prometheus");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : dashboard.get("panels")) {
                assertThat(ids.add(panel.get("id").asInt()))
                        .as("unique panel id %s in %s", panel.get("id"), file)
                        .isTrue();
            }
            for (JsonNode panel : Dashboards.panels(dashboard)) {
                assertThat(panel.at("/datasource/uid").asText())
                        .as(panel.get("title").asText())
                        .isEqualTo("${datasource}");
                assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
                for (JsonNode target : panel.get("targets")) {
                    assertThat(target.at("/datasource/uid").asText()).isEqualTo("${datasource}");
                }
            }
        }
    }

    @Test
    void provisioningLoadsTheDashboardsAndAPrometheusDatasource() throws IOException {
        JsonNode dashboards = PrometheusRulesIT.YAML.readTree(DeployPaths.root()
                .resolve("deploy/grafana/provisioning/dashboards/drainwatch.yml")
                .toFile());
        assertThat(dashboards.at("/providers/0/type").asText()).isEqualTo("file");
        assertThat(dashboards.at("/providers/0/options/path").asText()).isNotBlank();
        JsonNode datasources = PrometheusRulesIT.YAML.readTree(DeployPaths.root()
                .resolve("deploy/grafana/provisioning/datasources/prometheus.yml")
                .toFile());
        assertThat(datasources.at("/datasources/0/type").asText()).isEqualTo("prometheus");
    }

    @Test
    void everyPanelQueryParsesAsPromql(@TempDir Path dir) throws IOException {
        List<Dashboards.Query> queries = Dashboards.queries();
        assertThat(queries).hasSizeGreaterThan(20);
        // promtool has no offline query parser; a recording rule per query puts each through Prometheus's parser.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            names.add(queries.get(i).dashboard() + " / " + queries.get(i).panel());
            rules.append("      - record: dashboard_query_")
                    .append(i)
                    .append('\n')
                    .append("        expr: '")
                    .append(queries.get(i).promql().replace("'", "''"))
                    .append("'\n");
        }
        Files.writeString(dir.resolve("dashboards.rules.yml"), rules.toString());

        Tool.Result result = Tool.run(dir, "promtool", "check", "rules", "dashboards.rules.yml");

        assertThat(result.exitCode()).as(names + "\n" + result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }
}
