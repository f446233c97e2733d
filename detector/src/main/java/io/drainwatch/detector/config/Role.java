package io.drainwatch.detector.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A role of the program that reads layered settings; each has its own defaults file, whose keys
 * (with the key families of {@link SettingKeys}) are the keys the role accepts.
 */
public enum Role {
    /** {@code drainwatch detect}: {@code defaults.properties}. */
    DETECT("defaults.properties"),
    /** {@code drainwatch ingest}: {@code ingest-defaults.properties}. */
    INGEST("ingest-defaults.properties"),
    /** {@code drainwatch relay}: {@code relay-defaults.properties}. */
    RELAY("relay-defaults.properties");

    private final String defaultsFile;

    Role(String defaultsFile) {
        this.defaultsFile = defaultsFile;
    }

    /** The role's name as commands, metrics and logs spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The built-in defaults of this role, the first layer. */
    public Map<String, String> defaults() {
        Properties props = new Properties();
        try (InputStream in = Role.class.getResourceAsStream("/io/drainwatch/detector/" + defaultsFile)) {
            props.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("built-in defaults " + defaultsFile + " missing from the jar", e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
        return map;
    }

    SettingKeys keys() {
        return new SettingKeys(this, defaults().keySet());
    }
}
