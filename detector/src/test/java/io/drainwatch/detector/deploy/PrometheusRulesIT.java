package io.drainwatch.detector.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drainwatch.detector.opstest.PromqlNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/prometheus: the rule files pass promtool's checks and unit tests, and follow the mixin habits. */
class PrometheusRulesIT {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String RUNBOOK_BASE = "https://github.com/drainwatch/drainwatch/blob/main/docs/runbooks/";
    private final Path prometheus = Repo.path("deploy/prometheus");

    @Test
    void promtoolAcceptsEveryRuleFile() {
        List<String> files = files("rules", ".rules.yml");
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);

        Tool.Result result = Tool.run(prometheus, "promtool", prepend("check", "rules", files));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("FAILED");
    }

    @Test
    void ruleUnitTestsPass() {
        List<String> tests = files("tests", ".test.yml");
        assertThat(tests).hasSizeGreaterThanOrEqualTo(3);

        Tool.Result result = Tool.run(prometheus, "promtool", prepend("test", "rules", tests));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void promtoolFailsARuleUnitTestThatExpectsTheWrongLabels(@TempDir Path dir) throws IOException {
        Files.writeString(
                dir.resolve("wrong.test.yml"), """
        rule_files: [%s]
        evaluation_interval: 15s
        tests:
          - interval: 15s
            input_series:
              - series: 'drainwatch_incidents_open{role="detect"}'
                values: '1x20'
            alert_rule_test:
              - eval_time: 2m
                alertname: DrainwatchIncidentsOpen
                exp_alerts:
                  - exp_labels: {severity: warning, role: detect}
        """.formatted(prometheus.resolve("rules/drainwatch-drains.rules.yml")));

        Tool.Result result = Tool.run(dir, "promtool", "test", "rules", "wrong.test.yml");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("FAILED");
    }

    @Test
    void everyAlertHasSeverityAnnotationsRunbookAndADeliberateFor() throws IOException {
        List<JsonNode> alerts = alertingRules();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode rule : alerts) {
            String name = rule.get("alert").asText();
            assertThat(rule.has("for")).as("%s has an explicit for:", name).isTrue();
            assertThat(rule.at("/labels/severity").asText())
                    .as("%s severity", name)
                    .isIn("critical", "warning", "info");
            assertThat(rule.at("/annotations/summary").asText())
                    .as("%s summary", name)
                    .isNotBlank();
            assertThat(rule.at("/annotations/description").asText())
                    .as("%s description", name)
                    .isNotBlank();
            String runbook = rule.at("/annotations/runbook_url").asText();
            assertThat(runbook).as("%s runbook_url", name).startsWith(RUNBOOK_BASE);
            assertThat(Repo.path("docs/runbooks/" + runbook.substring(RUNBOOK_BASE.length())))
                    .as("%s runbook file", name)
                    .isRegularFile();
        }
    }

    @Test
    void theRunbooksThatRelayPagesLinkExist() {
        for (String page : List.of("drain-incident", "drain-alert")) {
            assertThat(Repo.path("docs/runbooks/" + page + ".md")).isRegularFile();
        }
    }

    @Test
    void everyAlertIsUnitTestedNotFiringAndFiring() throws IOException {
        Map<String, boolean[]> seen = new HashMap<>();
        for (String file : files("tests", ".test.yml")) {
            JsonNode tests = YAML.readTree(prometheus.resolve(file).toFile()).get("tests");
            for (JsonNode test : tests) {
                for (JsonNode check : test.path("alert_rule_test")) {
                    boolean[] kinds =
                            seen.computeIfAbsent(check.get("alertname").asText(), k -> new boolean[2]);
                    kinds[check.path("exp_alerts").isEmpty() ? 0 : 1] = true;
                }
            }
        }
        for (JsonNode rule : alertingRules()) {
            String name = rule.get("alert").asText();
            assertThat(seen).as("%s is unit-tested", name).containsKey(name);
            assertThat(seen.get(name))
                    .as("%s is tested both not firing and firing", name)
                    .containsExactly(true, true);
        }
    }

    @Test
    void everyRecordingRuleIsReadByAnAlertOrADashboardPanel() throws IOException {
        List<String> readers = new ArrayList<>();
        alertingRules().forEach(rule -> readers.add(rule.get("expr").asText()));
        Dashboards.queries().forEach(query -> readers.add(query.promql()));
        List<String> recorded = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : YAML.readTree(file.toFile()).get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    if (rule.has("record")) {
                        recorded.add(rule.get("record").asText());
                    }
                }
            }
        }
        assertThat(recorded).hasSizeGreaterThanOrEqualTo(5);
        for (String name : recorded) {
            assertThat(readers)
                    .as("%s is read by an alert or a dashboard panel", name)
                    .anySatisfy(expr -> assertThat(PromqlNames.of(expr)).contains(name));
        }
    }

    static List<JsonNode> alertingRules() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : YAML.readTree(file.toFile()).get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    if (rule.has("alert")) {
                        alerts.add(rule);
                    }
                }
            }
        }
        return alerts;
    }

    /** Every PromQL expression of every rule file. */
    static List<String> expressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : YAML.readTree(file.toFile()).get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    exprs.add(rule.get("expr").asText());
                }
            }
        }
        return exprs;
    }

    static List<Path> ruleFiles() throws IOException {
        try (Stream<Path> files = Files.list(Repo.path("deploy/prometheus/rules"))) {
            return files.filter(p -> p.toString().endsWith(".rules.yml"))
                    .sorted()
                    .toList();
        }
    }

    private List<String> files(String dir, String suffix) {
        try (Stream<Path> files = Files.list(prometheus.resolve(dir))) {
            return files.filter(p -> p.toString().endsWith(suffix))
                    .sorted()
                    .map(p -> dir + "/" + p.getFileName())
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String[] prepend(String first, String second, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first, second));
        all.addAll(rest);
        return all.toArray(String[]::new);
    }
}
