package io.drainwatch.detector.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.drainwatch.detector.cli.Drainwatch;
import io.drainwatch.detector.config.ConfigLayers;
import io.drainwatch.detector.config.DetectorConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes and deploy/compose: every file parses, and what they reference exists: the rule
 * files (the PrometheusRule is built from them), the roles' commands and metrics ports, the probe
 * paths, the state volume, and the jobs the alert rules select on.
 */
class DeployManifestsIT {
    private static final Set<String> JOBS = Set.of("drainwatch-detect", "drainwatch-ingest", "drainwatch-relay");
    private final Path kubernetes = Repo.path("deploy/kubernetes");

    @Test
    void kustomizationListsFilesThatExistAndParse() throws IOException {
        JsonNode kustomization = PrometheusRulesIT.YAML.readTree(
                kubernetes.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.get("resources")).isNotEmpty();
        for (JsonNode resource : kustomization.get("resources")) {
            assertThat(documents(kubernetes.resolve(resource.asText())))
                    .as(resource.asText())
                    .isNotEmpty();
        }
    }

    @Test
    void everyRoleRunsARealCommandWithItsMetricsPortProbesAndScrapeLabels() throws IOException {
        List<JsonNode> workloads = workloads();
        assertThat(workloads)
                .extracting(w ->
                        w.at("/metadata/labels/app.kubernetes.io~1component").asText())
                .containsExactlyInAnyOrder("detect", "ingest", "relay");
        Set<String> commands = Drainwatch.commandLine().getSubcommands().keySet();
        JsonNode podMonitor = kind("PodMonitor").get(0);
        String portName = podMonitor.at("/spec/podMetricsEndpoints/0/port").asText();
        String jobLabel = podMonitor.at("/spec/jobLabel").asText();
        for (JsonNode workload : workloads) {
            String name = workload.at("/metadata/name").asText();
            JsonNode pod = workload.at("/spec/template");
            JsonNode container = pod.at("/spec/containers/0");
            List<String> args = new ArrayList<>();
            container.get("args").forEach(a -> args.add(a.asText()));
            assertThat(commands).as("%s runs a drainwatch command", name).contains(args.get(0));
            int port = container.at("/ports/0/containerPort").asInt();
            assertThat(container.at("/ports/0/name").asText()).isEqualTo(portName);
            assertThat(port).as("%s metrics port", name).isEqualTo(metricsPort(args));
            assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
            assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
            assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo(portName);
            assertThat(pod.at("/metadata/labels").get(jobLabel).asText())
                    .as("%s scrape job", name)
                    .isIn(JOBS);
            podMonitor
                    .at("/spec/selector/matchLabels")
                    .properties()
                    .forEach(e -> assertThat(
                                    pod.at("/metadata/labels").get(e.getKey()).asText())
                            .isEqualTo(e.getValue().asText()));
        }
    }

    @Test
    void detectorIsAStatefulSetWithStateVolumeStaticMembershipStandbysAndLongGrace() throws IOException {
        JsonNode detect = kind("StatefulSet").get(0);
        Properties settings = detectorProperties();
        String stateDir = settings.getProperty("kafka.state.dir");
        String claim = detect.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
        JsonNode container = detect.at("/spec/template/spec/containers/0");
        List<JsonNode> mounts = new ArrayList<>();
        container.get("volumeMounts").forEach(mounts::add);
        assertThat(mounts).anySatisfy(m -> {
            assertThat(m.get("name").asText()).isEqualTo(claim);
            assertThat(m.get("mountPath").asText()).isEqualTo(stateDir);
        });
        assertThat(Integer.parseInt(settings.getProperty("kafka.num.standby.replicas")))
                .isPositive();
        // The pod is killed at the end of its grace: the detector's own stop must fit inside it.
        Map<String, String> layered = new HashMap<>(ConfigLayers.defaults());
        settings.forEach((k, v) -> layered.put((String) k, (String) v));
        Duration shutdown = DetectorConfig.from(layered, "kafka:9092").shutdownTimeout();
        assertThat(detect.at("/spec/template/spec/terminationGracePeriodSeconds")
                        .asInt())
                .as("termination grace against detector.shutdown-timeout %s", shutdown)
                .isGreaterThan((int) shutdown.toSeconds() + 10);
        Map<String, JsonNode> env = new HashMap<>();
        container.get("env").forEach(e -> env.put(e.get("name").asText(), e));
        assertThat(env.get("POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.name");
        assertThat(env.get("DRAINWATCH_KAFKA_GROUP_INSTANCE_ID").get("value").asText())
                .isEqualTo("$(POD_NAME)");
        // The class-data archive is only worth having if it outlives the pod, like the state.
        assertThat(env.get("DRAINWATCH_JAVA_OPTS").get("value").asText())
                .as("the detector's JVM options")
                .contains("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + stateDir + "/");
    }

    @Test
    void rpcEndpointsReachTheIngestorFromTheSecretAsVariablesNeverAsArguments() throws IOException {
        JsonNode ingest = workloads().stream()
                .filter(w -> w.at("/metadata/labels/app.kubernetes.io~1component")
                        .asText()
                        .equals("ingest"))
                .findFirst()
                .orElseThrow();
        JsonNode container = ingest.at("/spec/template/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        assertThat(args)
                .as("ingest arguments")
                .doesNotContain("--rpc-url", "--ws-url")
                .noneMatch(a -> a.contains("$("));
        List<String> secrets = new ArrayList<>();
        container
                .path("envFrom")
                .forEach(f -> secrets.add(f.at("/secretRef/name").asText()));
        JsonNode secret = kind("Secret").stream()
                .filter(x -> secrets.contains(x.at("/metadata/name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("ingest takes no Secret as variables"));
        // The variables IngestCommand reads for --rpc-url and --ws-url.
        assertThat(secret.at("/stringData").has("DRAINWATCH_RPC_URLS")).isTrue();
        assertThat(secret.at("/stringData").has("DRAINWATCH_WS_URL")).isTrue();
    }

    @Test
    void rolesTakeOnlyVariablesFromTheConfigMapAndEachReferencedKeyExists() throws IOException {
        JsonNode data = kind("ConfigMap").stream()
                .filter(c -> c.at("/metadata/name").asText().equals("drainwatch"))
                .findFirst()
                .orElseThrow()
                .get("data");
        Map<String, List<String>> variables = new HashMap<>();
        for (JsonNode workload : workloads()) {
            String name = workload.at("/metadata/name").asText();
            JsonNode container = workload.at("/spec/template/spec/containers/0");
            for (JsonNode from : container.path("envFrom")) {
                assertThat(from.has("configMapRef"))
                        .as("%s takes the whole ConfigMap %s, detector.properties included", name, from)
                        .isFalse();
            }
            List<String> names = new ArrayList<>();
            for (JsonNode env : container.path("env")) {
                names.add(env.get("name").asText());
                JsonNode ref = env.at("/valueFrom/configMapKeyRef");
                if (!ref.isMissingNode()) {
                    assertThat(data.has(ref.get("key").asText()))
                            .as(
                                    "%s reads ConfigMap key %s",
                                    name, ref.get("key").asText())
                            .isTrue();
                }
            }
            variables.put(
                    workload.at("/metadata/labels/app.kubernetes.io~1component").asText(), names);
        }
        // The variables the relay command reads for its defaults (RelayCommand, KafkaOptions).
        assertThat(variables.get("relay"))
                .containsExactlyInAnyOrder(
                        "DRAINWATCH_BOOTSTRAP_SERVERS",
                        "DRAINWATCH_ALERTMANAGER_URLS",
                        "DRAINWATCH_RUNBOOK_BASE_URL",
                        "DRAINWATCH_DASHBOARD_URL");
    }

    @Test
    void prometheusRuleIsBuiltFromTheRuleFiles() throws IOException {
        Tool.Result rendered = Tool.run(kubernetes, "bash", "render-prometheusrule.sh");
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();

        JsonNode rule = PrometheusRulesIT.YAML.readTree(rendered.output());

        assertThat(rule.get("kind").asText()).isEqualTo("PrometheusRule");
        List<JsonNode> expected = new ArrayList<>();
        for (Path file : PrometheusRulesIT.ruleFiles()) {
            PrometheusRulesIT.YAML.readTree(file.toFile()).get("groups").forEach(expected::add);
        }
        List<JsonNode> actual = new ArrayList<>();
        rule.at("/spec/groups").forEach(actual::add);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void composeMountsFilesThatExistAndPrometheusScrapesTheRolesOnTheirPorts() throws IOException {
        Path compose = Repo.path("deploy/compose");
        JsonNode stack =
                PrometheusRulesIT.YAML.readTree(compose.resolve("compose.yaml").toFile());
        for (String service : List.of(
                "kafka", "detect", "ingest", "relay", "prometheus", "alertmanager", "grafana", "drainwatch-webhook")) {
            assertThat(stack.at("/services").has(service))
                    .as("service %s", service)
                    .isTrue();
        }
        for (String service : List.of("prometheus", "alertmanager", "grafana")) {
            for (JsonNode volume : stack.at("/services/" + service + "/volumes")) {
                String source = volume.asText().split(":")[0];
                assertThat(compose.resolve(source).normalize())
                        .as("%s mounts %s", service, source)
                        .exists();
            }
        }
        JsonNode detect = stack.at("/services/detect");
        String dataDir = detect.at("/environment/DRAINWATCH_DATA_DIR").asText();
        assertThat(dataDir).as("the detector's data folder").startsWith("/var/lib/");
        assertThat(detect.get("command").toString()).as("detect command").doesNotContain("/tmp");
        assertThat(detect.get("command").toString())
                .as("the class-data archive outlives the container, with the state")
                .contains("-XX:SharedArchiveFile=" + dataDir + "/");
        List<String> mounts = new ArrayList<>();
        detect.get("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts)
                .as("the detector's state outlives its container: a named volume at DRAINWATCH_DATA_DIR")
                .anySatisfy(m -> assertThat(m).matches("[a-z][a-z0-9-]*:" + dataDir));
        assertThat(stack.at("/volumes")
                        .has(mounts.stream()
                                .filter(m -> m.endsWith(":" + dataDir))
                                .findFirst()
                                .orElseThrow()
                                .split(":")[0]))
                .as("the named volume is declared")
                .isTrue();
        Tool.Result check = Tool.run(Repo.path("deploy/prometheus"), "promtool", "check", "config", "prometheus.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        JsonNode prometheus = PrometheusRulesIT.YAML.readTree(
                Repo.path("deploy/prometheus/prometheus.yml").toFile());
        Map<String, String> targets = new HashMap<>();
        prometheus
                .get("scrape_configs")
                .forEach(job -> targets.put(
                        job.get("job_name").asText(),
                        job.at("/static_configs/0/targets/0").asText()));
        assertThat(targets.keySet()).isEqualTo(JOBS);
        assertThat(targets)
                .containsEntry(
                        "drainwatch-detect", "detect:" + detectorProperties().getProperty("metrics.port"));
        for (String role : List.of("ingest", "relay")) {
            String command = stack.at("/services/" + role + "/command").toString();
            String port = targets.get("drainwatch-" + role).split(":")[1];
            assertThat(command)
                    .as("%s serves metrics where Prometheus scrapes", role)
                    .contains("--metrics-port")
                    .contains(port);
        }
    }

    private List<JsonNode> workloads() throws IOException {
        List<JsonNode> workloads = new ArrayList<>(kind("StatefulSet"));
        workloads.addAll(kind("Deployment"));
        return workloads;
    }

    private List<JsonNode> kind(String kind) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        try (var files = Files.list(kubernetes)) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                documents(file).stream()
                        .filter(d -> d.path("kind").asText().equals(kind))
                        .forEach(found::add);
            }
        }
        return found;
    }

    private int metricsPort(List<String> args) throws IOException {
        int flag = args.indexOf("--metrics-port");
        if (flag >= 0) {
            return Integer.parseInt(args.get(flag + 1));
        }
        return Integer.parseInt(detectorProperties().getProperty("metrics.port"));
    }

    private Properties detectorProperties() throws IOException {
        for (JsonNode config : kind("ConfigMap")) {
            if (config.at("/data").has("detector.properties")) {
                Properties properties = new Properties();
                properties.load(
                        new StringReader(config.at("/data/detector.properties").asText()));
                return properties;
            }
        }
        throw new AssertionError("no ConfigMap with detector.properties in deploy/kubernetes");
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        try (MappingIterator<JsonNode> docs =
                PrometheusRulesIT.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll().stream()
                    .filter(d -> d != null && !d.isNull() && !d.isEmpty())
                    .toList();
        }
    }
}
