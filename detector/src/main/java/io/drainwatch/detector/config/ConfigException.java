package io.drainwatch.detector.config;

/** A configuration value that stops start-up; the message names the key and what it accepts. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }
}
