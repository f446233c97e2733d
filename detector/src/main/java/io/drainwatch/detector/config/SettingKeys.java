package io.drainwatch.detector.config;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The keys a role reads. Settings are looked up by name, so a misspelt key would otherwise be
 * ignored in silence and its default used: {@link #check} stops start-up on any key that is not one
 * of them.
 */
final class SettingKeys {
    private static final String GROUP = "group.";
    private static final String GROUP_RULES = ".rules.";
    private static final String RELAY_EXPLORER = "relay.explorer.";
    private static final Pattern EXPLORER = Pattern.compile("explorer\\.[0-9]+\\.(tx|address)");
    private static final Pattern CHAIN_ID = Pattern.compile("[0-9]+");
    private static final String ENV = " (in DRAINWATCH_* variables __ stands for - and _ for .)";

    private final Role role;
    private final Set<String> defaults;

    SettingKeys(Role role, Set<String> defaults) {
        this.role = role;
        this.defaults = Set.copyOf(defaults);
    }

    /** Throws on the first key, in sorted order, that the role does not read. */
    void check(Collection<String> keys) {
        new TreeSet<>(keys).forEach(this::checkOne);
    }

    /** Whether the role reads {@code key}. */
    boolean accepts(String key) {
        try {
            checkOne(key);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    private void checkOne(String key) {
        if (defaults.contains(key)) {
            return;
        }
        if (key.startsWith("topic.")) {
            if (!Topics.ROLES.contains(key.substring("topic.".length()))) {
                throw new ConfigException(
                        key, "unknown topic role; accepted: " + String.join(", ", new TreeSet<>(Topics.ROLES)));
            }
            return;
        }
        switch (role) {
            case DETECT -> checkDetect(key);
            case RELAY -> checkRelay(key);
            case INGEST -> throw new ConfigException(key, "not a drainwatch ingest setting; " + forms());
        }
    }

    private void checkDetect(String key) {
        if (key.startsWith("kafka.") || EXPLORER.matcher(key).matches()) {
            return;
        }
        Optional<String> group = group(key);
        if (group.isPresent()) {
            String rule = key.substring(GROUP.length() + group.get().length() + 1);
            if (!defaults.contains(rule)) {
                throw new ConfigException(
                        key, "'" + rule + "' is not a rule setting; accepted: " + String.join(", ", ruleKeys()));
            }
            return;
        }
        throw new ConfigException(key, "not a drainwatch setting; " + forms());
    }

    private void checkRelay(String key) {
        if (key.startsWith(RELAY_EXPLORER)) {
            if (!CHAIN_ID.matcher(key.substring(RELAY_EXPLORER.length())).matches()) {
                throw new ConfigException(
                        key,
                        "the chain must be a numeric chain id, e.g. relay.explorer.1=https://etherscan.io"
                                + " (--explorer 1=https://etherscan.io)");
            }
            return;
        }
        throw new ConfigException(key, "not a drainwatch relay setting; " + forms());
    }

    private String forms() {
        return switch (role) {
            case DETECT ->
                "settings are the keys of defaults.properties, kafka.<Kafka Streams key>,"
                        + " topic.<role>, explorer.<chainId>.tx|address and group.<custody group>.rules.<rule>.<setting>"
                        + ENV;
            case INGEST -> "settings are the keys of ingest-defaults.properties and topic.<role>" + ENV;
            case RELAY ->
                "settings are the keys of relay-defaults.properties, topic.<role> and relay.explorer.<chainId>" + ENV;
        };
    }

    private Set<String> ruleKeys() {
        return defaults.stream().filter(k -> k.startsWith("rules.")).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The custody group of a {@code group.<name>.rules.*} key. A group name may hold dots
     * ({@code group.eu.retail.rules.balance-drain.min-usd}), rule names never do.
     */
    static Optional<String> group(String key) {
        if (!key.startsWith(GROUP)) {
            return Optional.empty();
        }
        int rules = key.indexOf(GROUP_RULES, GROUP.length());
        return rules > GROUP.length() ? Optional.of(key.substring(GROUP.length(), rules)) : Optional.empty();
    }

    /** The custody groups that {@code settings} override rules for. */
    static Set<String> groups(Map<String, String> settings) {
        return settings.keySet().stream()
                .map(SettingKeys::group)
                .flatMap(Optional::stream)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
