package io.drainwatch.detector.relay;

import java.net.URI;

/**
 * The API endpoint under an Alertmanager base URL. Logs and errors show such a URL only as {@link
 * io.drainwatch.detector.model.Urls#redacted}.
 */
public final class AlertmanagerUrls {
    private AlertmanagerUrls() {}

    /**
     * {@code POST /api/v2/alerts} under {@code base}: joined to its path (an Alertmanager behind a
     * path prefix), keeping its query (a proxy's token); a fragment is never sent.
     */
    static URI alertsEndpoint(URI base) {
        return endpoint(base, "/api/v2/alerts");
    }

    /** {@code api} (for example {@code /api/v2/status}) under {@code base}, as {@link #alertsEndpoint}. */
    static URI endpoint(URI base, String api) {
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        StringBuilder url = new StringBuilder()
                .append(base.getScheme())
                .append("://")
                .append(hostAndPort(base))
                .append(path)
                .append(api);
        if (base.getRawQuery() != null) {
            url.append('?').append(base.getRawQuery());
        }
        return URI.create(url.toString());
    }

    /**
     * The {@code Authorization} header value for credentials given as the URL's user info
     * ({@code https://user:password@alertmanager:9093}), which the HTTP client does not send by itself.
     */
    static java.util.Optional<String> basicAuthorization(URI base) {
        String userInfo = base.getUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String hostAndPort(URI base) {
        String authority = base.getRawAuthority();
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : authority.substring(at + 1);
    }
}
