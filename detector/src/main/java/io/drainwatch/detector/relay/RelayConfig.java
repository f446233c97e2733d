package io.drainwatch.detector.relay;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Settings;
import io.drainwatch.detector.model.Urls;
import io.drainwatch.schemas.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What the relay needs, validated once at start. Built from the relay role's layered settings by
 * {@link #from}; errors name the setting key.
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

    /** Keys named in validation errors: the relay's settings (relay-defaults.properties). */
    static final String KEY_ALERTMANAGER = "alertmanager.urls";

    static final String KEY_REPOST = "relay.repost-interval";
    static final String KEY_TIMEOUT = "relay.request-timeout";
    static final String KEY_BACKOFF = "relay.max-backoff";
    static final String KEY_RUNBOOK = "runbook.base.url";
    static final String KEY_EXPLORER = "relay.explorer.";
    static final String KEY_SEVERITY = "relay.min-alert-severity";

    /** Explorers when no {@code relay.explorer.<chainId>} key is set. */
    private static final Map<Long, String> DEFAULT_EXPLORERS =
            Map.of(1L, "https://etherscan.io", 11155111L, "https://sepolia.etherscan.io");

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
        explorers.forEach((chain, url) -> requireHttp(KEY_EXPLORER + chain, URI.create(url)));
    }

    /** The configuration of the relay role's {@code settings} (see {@code relay-defaults.properties}). */
    public static RelayConfig from(Settings settings) {
        List<URI> urls = new ArrayList<>();
        for (String url : settings.list(KEY_ALERTMANAGER)) {
            try {
                urls.add(new URI(url));
            } catch (URISyntaxException e) {
                // The parser's message repeats the URL, token included.
                throw new ConfigException(KEY_ALERTMANAGER, "not a URL: " + Urls.redact(url));
            }
        }
        String severity = settings.string(KEY_SEVERITY);
        Severity minSeverity = Arrays.stream(Severity.values())
                .filter(s -> s.name().equalsIgnoreCase(severity))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        KEY_SEVERITY,
                        "'" + severity + "' is not accepted; accepted: "
                                + Arrays.stream(Severity.values())
                                        .map(s -> s.name().toLowerCase(Locale.ROOT))
                                        .collect(Collectors.joining(", "))));
        Map<Long, String> explorers = new LinkedHashMap<>();
        settings.under(KEY_EXPLORER).forEach((chain, url) -> {
            try {
                explorers.put(Long.parseLong(chain), url.strip());
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        KEY_EXPLORER + chain,
                        "the chain must be a numeric chain id, e.g. relay.explorer.1=https://etherscan.io");
            }
        });
        return new RelayConfig(
                urls,
                settings.duration(KEY_REPOST),
                minSeverity,
                settings.string(KEY_RUNBOOK),
                settings.optional("dashboard.url").orElse(null),
                explorers.isEmpty() ? DEFAULT_EXPLORERS : explorers,
                settings.duration(KEY_TIMEOUT),
                settings.duration(KEY_BACKOFF));
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
