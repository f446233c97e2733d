package io.drainwatch.detector.topology;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.StateDirectory;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running detector: the Kafka Streams application with its metrics bound. */
public final class Detector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Detector.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final GlobalDeadLetters globalDeadLetters;
    private final boolean staticMember;
    private final Duration closeTimeout;
    private final CountDownLatch running = new CountDownLatch(1);

    private Detector(
            KafkaStreams streams,
            KafkaStreamsMetrics streamsMetrics,
            GlobalDeadLetters globalDeadLetters,
            boolean staticMember,
            Duration closeTimeout) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.globalDeadLetters = globalDeadLetters;
        this.staticMember = staticMember;
        this.closeTimeout = closeTimeout;
    }

    /**
     * The id Kafka gave {@code topic}, so that the watched-wallets snapshot of a topic deleted and created
     * again is not used; null (no snapshot) when Kafka does not say within 15 s.
     */
    private static @Nullable String topicId(Properties props, String applicationId, String topic) {
        try (Admin admin = Admin.create(new StreamsConfig(props).getAdminConfigs(applicationId + "-topic-id"))) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(15, TimeUnit.SECONDS)
                    .get(topic);
            return description == null ? null : description.topicId().toString();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn(
                    "event=snapshot_disabled store={} reason=\"cannot read the id of {}: {}\"",
                    WatchedWalletsStore.NAME,
                    topic,
                    e.getCause() == null ? e.toString() : e.getCause().toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Builds the topology from {@code config} and starts it; returns at once (see {@link #awaitRunning}). */
    public static Detector start(DetectorConfig config, MeterRegistry registry) {
        StateDirectory.prepare(Path.of(String.valueOf(config.kafka().get(StreamsConfig.STATE_DIR_CONFIG))));
        DetectorMetrics metrics = new DetectorMetrics(registry);
        AtomicReference<WatchedWalletsStore> watched = new AtomicReference<>();
        Properties props = DetectorTopology.streamsProperties(config, metrics);
        GlobalDeadLetters globalDeadLetters = new GlobalDeadLetters(
                new StreamsConfig(props).getProducerConfigs(config.applicationId() + "-global-dead-letters"));
        props.put(DeadLetters.GLOBAL, globalDeadLetters);
        String walletsTopicId =
                topicId(props, config.applicationId(), config.topics().wallets());
        KafkaStreams streams = new KafkaStreams(
                DetectorTopology.build(config, metrics, store -> {
                    store.expectTopicId(walletsTopicId);
                    watched.set(store);
                }),
                props,
                new DetectorClients(config.topics().transfers(), watched::get, metrics));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        Detector detector = new Detector(
                streams,
                streamsMetrics,
                globalDeadLetters,
                config.kafka().containsKey("group.instance.id"),
                config.shutdownTimeout());
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            io.micrometer.core.instrument.Gauge.builder(
                            "drainwatch_streams_state", streams, s -> s.state() == state ? 1 : 0)
                    .description("1 for the detector's current Kafka Streams state")
                    .tag("state", state.name())
                    .register(registry);
        }
        metrics.gauge(
                "drainwatch_wallets_watched",
                "Watched wallets in the filter",
                watched,
                w -> w.get() == null ? 0 : w.get().size());
        streams.setUncaughtExceptionHandler(e -> {
            Throwable refused = refusal(e);
            if (refused != null) {
                // a new thread would be refused the same way: stop, so the process exits and says why
                LOG.error(
                        "event=stream_thread_failed action=shutdown_client error={} reason=\"{}\"",
                        refused.getClass().getSimpleName(),
                        refused.getMessage());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("event=stream_thread_failed action=replace_thread error={}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((next, previous) -> {
            LOG.info("event=state_change from={} to={}", previous, next);
            if (next == KafkaStreams.State.RUNNING) {
                detector.running.countDown();
            }
        });
        LOG.info(
                "event=starting application_id={} bootstrap_servers={}",
                config.applicationId(),
                config.kafka().get("bootstrap.servers"));
        streams.start();
        return detector;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the detector is processing (global stores restored, tasks assigned). */
    public boolean awaitRunning(Duration timeout) {
        try {
            return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The outflows and approvals this instance holds until the signer's grace has passed (then they are
     * judged signed or not): zero once every one it has read has been judged. Read from the local stores,
     * so it counts what has been processed, committed or not.
     */
    public long awaitingSignerGrace() {
        long count = 0;
        ReadOnlyKeyValueStore<String, Object> pending = streams.store(StoreQueryParameters.fromNameAndType(
                WalletProcessor.PENDING, QueryableStoreTypes.<String, Object>keyValueStore()));
        try (KeyValueIterator<String, Object> all = pending.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    /** The Kafka Streams instance, for state queries and tests. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Stops the detector. A dynamic member leaves its group, so a restarted or remaining instance takes
     * over its partitions at once instead of after the session timeout; a static member (with
     * {@code kafka.group.instance.id}, as in the Kubernetes StatefulSet) stays, to come back to the
     * same partitions without a rebalance.
     */
    @Override
    public void close() {
        streams.close(CloseOptions.timeout(closeTimeout)
                .withGroupMembershipOperation(
                        staticMember
                                ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                                : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        streamsMetrics.close();
        globalDeadLetters.close();
        LOG.info("event=stopped state={}", streams.state().name().toLowerCase(Locale.ROOT));
    }

    /** The authorization or authentication error in {@code e}'s causes: a replaced thread cannot get past it. */
    private static @Nullable Throwable refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException || t instanceof AuthenticationException) {
                return t;
            }
        }
        return null;
    }
}
