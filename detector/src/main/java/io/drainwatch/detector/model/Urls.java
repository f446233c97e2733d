package io.drainwatch.detector.model;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * URLs in the only form that may reach a log line, a metric or an error message. RPC providers and
 * the proxies in front of Alertmanager take API keys and tokens in the user info, the path or the
 * query, so the safe form keeps the scheme, host and port alone.
 */
public final class Urls {
    private Urls() {}

    /** {@code scheme://host[:port]}, followed by {@code /***} when anything else was there. */
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
            // never echo an unparseable value: it may be a key
            return "<unparseable url>";
        }
    }

    private static boolean hasMore(URI uri) {
        String path = uri.getRawPath();
        return uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || (path != null && !path.isEmpty() && !path.equals("/"));
    }
}
