package io.drainwatch.detector.relay;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import org.jspecify.annotations.Nullable;

/** An alert in the shape of Alertmanager's v2 {@code POST /api/v2/alerts} body. */
public record PostableAlert(
        SortedMap<String, String> labels,
        Map<String, String> annotations,
        Instant startsAt,
        Instant endsAt,
        @Nullable String generatorUrl) {

    /** The JSON object Alertmanager reads (RFC 3339 times). */
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("labels", labels);
        json.put("annotations", annotations);
        json.put("startsAt", startsAt.toString());
        json.put("endsAt", endsAt.toString());
        if (generatorUrl != null) {
            json.put("generatorURL", generatorUrl);
        }
        return json;
    }
}
