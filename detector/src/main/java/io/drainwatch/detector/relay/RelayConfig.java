package io.drainwatch.detector.relay;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.model.Urls;
import io.drainwatch.schemas.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the relay needs, validated once at start.
 *
 * @param alertmanagers base URLs of every Alertmanager of the cluster (each receives every post)
 * @param repostInterval how often firing pages are posted again; they are held open for four intervals
 * @param minAlertSeverity the least severe alert posted on its own (incidents are always posted)
 * @param runbookBaseUrl where {@code docs/runbooks/} is published; page annotations link into it
 * @param dashboardUrl the fleet dashboard, linked from every page, if any
 * @param explorers block explorer base URL by chain id, for address and transaction links
 * @param requestTimeout how long one post to one Alertmanager may take
 * @param maxBackoff the longest wait between retries while no Alertmanager accepts
 */
public record RelayConfig(
        List<URI> alertmanagers,
        Duration repostInterval,
        Severity minAlertSeverity,
        String runbookBaseUrl,
        @Nullable String dashboardUrl,
        Map<Long, String> explorers,
        Duration requestTimeout,
        Duration maxBackoff) {

    /** Keys named in validation errors; they match the {@code relay} command's options. */
    static final String KEY_ALERTMANAGER = "--alertmanager-url";

    static final String KEY_REPOST = "--repost-interval";
    static final String KEY_TIMEOUT = "--request-timeout";
    static final String KEY_BACKOFF = "--max-backoff";
    static final String KEY_RUNBOOK = "--runbook-base-url";
    static final String KEY_EXPLORER = "--explorer";

    public RelayConfig {
        alertmanagers = List.copyOf(alertmanagers);
        explorers = Map.copyOf(explorers);
        if (alertmanagers.isEmpty()) {
            throw new ConfigException(
                    KEY_ALERTMANAGER, "at least one Alertmanager URL is required, e.g. http://alertmanager:9093");
        }
        for (URI uri : alertmanagers) {
            requireHttp(KEY_ALERTMANAGER, uri);
        }
        if (repostInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(
                    KEY_REPOST,
                    "must be at least 1s (Alertmanager resolves a page not re-posted within 4 intervals), was "
                            + repostInterval);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigException(KEY_TIMEOUT, "must be positive, was " + requestTimeout);
        }
        if (maxBackoff.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException(KEY_BACKOFF, "must be at least 100ms, was " + maxBackoff);
        }
        requireHttp(KEY_RUNBOOK, URI.create(runbookBaseUrl));
        explorers.forEach((chain, url) -> requireHttp(KEY_EXPLORER + " " + chain, URI.create(url)));
    }

    /** How long a firing page stays open in Alertmanager without a re-post. */
    public Duration holdOpen() {
        return repostInterval.multipliedBy(4);
    }

    /** The runbook of a page: {@code <runbookBaseUrl>/<name>.md}. */
    public String runbook(String name) {
        String base = runbookBaseUrl.endsWith("/") ? runbookBaseUrl : runbookBaseUrl + "/";
        return base + name + ".md";
    }

    private static void requireHttp(String key, URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(key, "must be an http:// or https:// URL with a host, was " + Urls.redacted(uri));
        }
    }
}
