package io.drainwatch.detector.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One {@code apache/kafka} container (a combined broker and controller) for the Kafka integration
 * tests under {@code ./mvnw -Ptestcontainers verify}. Compiled only in that profile; {@link
 * KafkaClusterExtension} starts it when {@code drainwatch.test.kafka=testcontainers}.
 */
public final class ContainerKafka implements TestKafka {
    /** System property naming the image; the profile sets {@code apache/kafka:${kafka.version}}. */
    public static final String IMAGE_PROPERTY = "drainwatch.test.kafka.image";

    private final KafkaContainer container;
    private final String image;

    private ContainerKafka(KafkaContainer container, String image) {
        this.container = container;
        this.image = image;
    }

    /** Starts the container, or fails at once with one line when no Docker engine answers. */
    public static TestKafka start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-Ptestcontainers needs a running Docker engine and Testcontainers found"
                    + " none (its log is in target/failsafe-reports). Without Docker, run bin/test: the in-JVM"
                    + " Kafka cluster needs none.");
        }
        String image = System.getProperty(IMAGE_PROPERTY);
        if (image == null || image.isBlank()) {
            throw new IllegalStateException(IMAGE_PROPERTY + " is not set: the testcontainers profile sets it to"
                    + " apache/kafka:${kafka.version}; run ./mvnw -Ptestcontainers verify");
        }
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                // a new consumer group or Streams application gets its partitions at once
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException("cannot start the Kafka container " + image + ": " + e.getMessage(), e);
        }
        return new ContainerKafka(container, image);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String describe() {
        return "1 " + image + " container";
    }

    @Override
    public void close() {
        container.close();
    }
}
