package io.drainwatch.detector.opstest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real Alertmanager running drainwatch's configuration, its receivers pointed at a test webhook. */
public final class Alertmanager {
    /** The receivers' placeholder host in deploy/alertmanager/alertmanager.yml. */
    public static final String WEBHOOK_PLACEHOLDER = "http://drainwatch-webhook:9501";

    private Alertmanager() {}

    /** Starts Alertmanager on a free port with {@code config}, receivers sent to {@code webhook}. */
    public static ExternalProcess start(Path config, WebhookReceiver webhook, Path workDir) {
        try {
            Files.createDirectories(workDir.resolve("alertmanager-data"));
            Path rewritten = workDir.resolve("alertmanager.yml");
            Files.writeString(rewritten, Files.readString(config).replace(WEBHOOK_PLACEHOLDER, webhook.baseUrl()));
            int port = ExternalProcess.freePort();
            return ExternalProcess.start(
                    "alertmanager",
                    workDir,
                    port,
                    "prometheus-alertmanager",
                    "--config.file=" + rewritten,
                    "--storage.path=" + workDir.resolve("alertmanager-data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
