package io.drainwatch.detector.config;

/** A configuration value that stops start-up; the message names the key and what it accepts. */
public final class ConfigException extends RuntimeException {
    private final String key;
    private final String problem;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
        this.problem = problem;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }

    /** What is wrong and what is accepted, without the key. */
    public String problem() {
        return problem;
    }

    /** The same error naming the command-line option that sets the key as well: {@code key (--option): problem}. */
    public ConfigException withOption(String option) {
        ConfigException named = new ConfigException(key + " (" + option + ")", problem);
        named.setStackTrace(getStackTrace());
        return named;
    }
}
