package io.drainwatch.detector.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names of every topic drainwatch reads or writes. Defaults follow the design; each can be
 * overridden with {@code topic.<role>} keys (for example {@code topic.transfers=eth.transfers}).
 */
public record Topics(
        String transfers,
        String approvals,
        String delegations,
        String balances,
        String heads,
        String wallets,
        String labels,
        String allowlist,
        String prices,
        String signedTx,
        String alerts,
        String incidents,
        String deadLetter) {

    /** The roles that {@code topic.<role>} keys and {@code --topic ROLE=NAME} options name. */
    public static final Set<String> ROLES = Set.of(
            "transfers",
            "approvals",
            "delegations",
            "balances",
            "heads",
            "wallets",
            "labels",
            "allowlist",
            "prices",
            "signed-tx",
            "alerts",
            "incidents",
            "dead-letter");

    /** The default names. */
    public static Topics defaults() {
        return new Topics(
                "chain.transfers",
                "chain.approvals",
                "chain.delegations",
                "chain.balances",
                "chain.heads",
                "drainwatch.wallets",
                "drainwatch.labels",
                "drainwatch.allowlist",
                "drainwatch.prices",
                "drainwatch.signed-tx",
                "drainwatch.alerts",
                "drainwatch.incidents",
                "drainwatch.dead-letter");
    }

    /** Defaults overridden by any {@code topic.<role>} entries of {@code settings}. */
    public static Topics from(Map<String, String> settings) {
        Topics d = defaults();
        return new Topics(
                settings.getOrDefault("topic.transfers", d.transfers),
                settings.getOrDefault("topic.approvals", d.approvals),
                settings.getOrDefault("topic.delegations", d.delegations),
                settings.getOrDefault("topic.balances", d.balances),
                settings.getOrDefault("topic.heads", d.heads),
                settings.getOrDefault("topic.wallets", d.wallets),
                settings.getOrDefault("topic.labels", d.labels),
                settings.getOrDefault("topic.allowlist", d.allowlist),
                settings.getOrDefault("topic.prices", d.prices),
                settings.getOrDefault("topic.signed-tx", d.signedTx),
                settings.getOrDefault("topic.alerts", d.alerts),
                settings.getOrDefault("topic.incidents", d.incidents),
                settings.getOrDefault("topic.dead-letter", d.deadLetter));
    }

    /** Streams of chain events and alerts (delete retention). */
    public List<String> streams() {
        return List.of(transfers, approvals, delegations, balances, heads, alerts, deadLetter);
    }

    /** Reference tables and latest-state topics (compacted). */
    public List<String> compacted() {
        return List.of(wallets, labels, allowlist, prices, signedTx, incidents);
    }
}
