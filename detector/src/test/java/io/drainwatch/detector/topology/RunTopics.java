package io.drainwatch.detector.topology;

import io.drainwatch.detector.config.Topics;
import java.util.Map;
import java.util.TreeMap;

/** Topic names of one run among several on a shared cluster: every role's default name behind the run's. */
public final class RunTopics {
    private RunTopics() {}

    /** Settings that give every topic role of a run the name {@code <run>.<default name>}. */
    public static Map<String, String> of(String run) {
        Topics d = Topics.defaults();
        Map<String, String> names = Map.ofEntries(
                Map.entry("transfers", d.transfers()),
                Map.entry("approvals", d.approvals()),
                Map.entry("delegations", d.delegations()),
                Map.entry("balances", d.balances()),
                Map.entry("heads", d.heads()),
                Map.entry("wallets", d.wallets()),
                Map.entry("labels", d.labels()),
                Map.entry("allowlist", d.allowlist()),
                Map.entry("prices", d.prices()),
                Map.entry("signed-tx", d.signedTx()),
                Map.entry("alerts", d.alerts()),
                Map.entry("incidents", d.incidents()),
                Map.entry("dead-letter", d.deadLetter()));
        Map<String, String> settings = new TreeMap<>();
        names.forEach((role, topic) -> settings.put("topic." + role, run + "." + topic));
        return settings;
    }
}
