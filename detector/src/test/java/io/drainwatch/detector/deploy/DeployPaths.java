package io.drainwatch.detector.deploy;

import java.nio.file.Path;

/** The deploy/ files other tests run with (the end-to-end and relay tests use the shipped configuration). */
public final class DeployPaths {
    private DeployPaths() {}

    public static Path alertmanagerConfig() {
        return Repo.path("deploy/alertmanager/alertmanager.yml");
    }

    public static Path prometheusRules() {
        return Repo.path("deploy/prometheus/rules");
    }

    public static Path dashboards() {
        return Repo.path("deploy/grafana/dashboards");
    }

    public static Path root() {
        return Repo.root();
    }
}
