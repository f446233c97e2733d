package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.model.Urls;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A JSON-RPC endpoint. Provider URLs carry API keys in the path, query or user info, so the only
 * form that may reach a log line, a metric or an exception message is {@link #redacted()}.
 */
public record RpcUrl(URI uri) {

    /** Parses and checks {@code raw} for the option {@code key}; accepted schemes are given. */
    public static RpcUrl parse(String key, String raw, String... schemes) {
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "not a URL (" + Urls.redact(raw) + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!java.util.List.of(schemes).contains(scheme) || uri.getHost() == null) {
            throw new ConfigException(
                    key, "expected a " + String.join(" or ", schemes) + " URL with a host, got " + Urls.redact(raw));
        }
        return new RpcUrl(uri);
    }

    /** Scheme, host and port only: safe to log. */
    public String redacted() {
        return Urls.redacted(uri);
    }

    @Override
    public String toString() {
        return redacted();
    }
}
