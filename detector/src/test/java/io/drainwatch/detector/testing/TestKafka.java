package io.drainwatch.detector.testing;

/**
 * A running Kafka cluster that a test class talks to over a socket: the in-JVM cluster by default,
 * or one {@code apache/kafka} container under {@code -Ptestcontainers}. {@link KafkaClusterExtension}
 * chooses which, in one place.
 */
public interface TestKafka extends AutoCloseable {
    /** Bootstrap servers of the running nodes. */
    String bootstrapServers();

    /** What runs the cluster, for the test's record and error messages (for example "1 in-JVM node"). */
    String describe();

    /** Stops the cluster and removes what it stored. */
    @Override
    void close();
}
