package io.drainwatch.detector.relay;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Alertmanager base URLs: the API endpoint under one, and the only form of one that may reach a log
 * line, a metric or an error message. Proxies in front of Alertmanager take tokens in the user info,
 * the path or the query, so the safe form keeps the scheme, host and port alone (as the ingestor does
 * for RPC URLs).
 */
public final class AlertmanagerUrls {
    private AlertmanagerUrls() {}

    /** {@code scheme://host[:port]}, followed by {@code /***} when anything else was there: safe to log. */
    public static String redacted(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) {
            return "<url without scheme or host>";
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (hasMore(uri) ? "/***" : "");
    }

    /** A best-effort {@link #redacted} of a string that may not even parse as a URL. */
    public static String redact(String raw) {
        try {
            return redacted(new URI(raw.strip()));
        } catch (URISyntaxException e) {
            // never echo an unparseable value: it may be a token
            return "<unparseable url>";
        }
    }

    /**
     * {@code POST /api/v2/alerts} under {@code base}: joined to its path (an Alertmanager behind a
     * path prefix), keeping its query (a proxy's token); a fragment is never sent.
     */
    static URI alertsEndpoint(URI base) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        StringBuilder url = new StringBuilder()
                .append(base.getScheme())
                .append("://")
                .append(base.getRawAuthority())
                .append(path)
                .append("/api/v2/alerts");
        if (base.getRawQuery() != null) {
            url.append('?').append(base.getRawQuery());
        }
        return URI.create(url.toString());
    }

    private static boolean hasMore(URI uri) {
        String path = uri.getRawPath();
        return uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || (path != null && !path.isEmpty() && !path.equals("/"));
    }
}
