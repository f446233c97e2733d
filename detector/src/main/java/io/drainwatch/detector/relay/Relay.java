package io.drainwatch.detector.relay;

import io.drainwatch.detector.topic.Topic;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Alertmanager in step with the incidents and alerts topics.
 *
 * <p>On start it replays both topics from the beginning to rebuild what fires (records before the
 * committed position were accepted before; those after it are pending), then posts every firing page
 * and keeps re-posting them each interval so Alertmanager never resolves one on its own. A change is
 * posted as soon as it is read. The consumer position is committed only once an Alertmanager accepted
 * every pending change, held ends included (an end waiting for its firing state to be shown first),
 * so a crash or an Alertmanager outage can repeat a post (Alertmanager merges identical labels: no
 * second page) but never skip one.
 *
 * <p>One relay per cluster: it assigns itself every partition that exists at start.
 */
public final class Relay implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    private final Consumer<String, byte[]> consumer;
    private final String incidentsTopic;
    private final String alertsTopic;
    private final RelayConfig config;
    private final Pages pages;
    private final AlertmanagerClient alertmanager;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final PageBook book;
    private final Topic<DrainIncident> incidents;
    private final Topic<DrainAlert> alerts;

    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile boolean failing;
    private Map<TopicPartition, Long> committedAtStart = Map.of();
    private Map<TopicPartition, Long> endAtStart = Map.of();
    private Map<TopicPartition, Long> lastCommitted = new HashMap<>();
    private Instant nextRepost = Instant.EPOCH;
    private Instant nextAttempt = Instant.EPOCH;
    private Duration backoff = FIRST_BACKOFF;

    public Relay(
            Consumer<String, byte[]> consumer,
            Topic<DrainIncident> incidents,
            Topic<DrainAlert> alerts,
            RelayConfig config,
            AlertmanagerClient alertmanager,
            RelayMetrics metrics,
            Clock clock) {
        this.consumer = consumer;
        this.incidents = incidents;
        this.alerts = alerts;
        this.incidentsTopic = incidents.name();
        this.alertsTopic = alerts.name();
        this.config = config;
        this.pages = new Pages(config);
        this.alertmanager = alertmanager;
        this.metrics = metrics;
        this.clock = clock;
        this.book = new PageBook(config.holdOpen(), config.holdOpen(), config.repostInterval());
    }

    /**
     * The relay consumer's settings on top of {@code client} (bootstrap servers, security): manual
     * commits in {@code groupId}, from the beginning, committed records only.
     */
    public static Map<String, Object> consumerProperties(Map<String, Object> client, String groupId) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "drainwatch-relay");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The detector writes with exactly-once transactions: never page on an aborted record.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Waiting for the topics must not create them with the broker's defaults (incidents is compacted).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return props;
    }

    /** Rebuilt from the topics and the last post was accepted (or nothing needed posting). */
    public boolean ready() {
        return caughtUp && !failing;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            committedAtStart = offsets(consumer.committed(Set.copyOf(partitions)));
            endAtStart = new HashMap<>(consumer.endOffsets(partitions));
            // A partition never committed counts as committed at its beginning: committing that moves nothing.
            lastCommitted = new HashMap<>(consumer.beginningOffsets(partitions));
            lastCommitted.putAll(committedAtStart);
            consumer.seekToBeginning(partitions);
            LOG.info(
                    "event=relay_replaying partitions={} committed={} end={}",
                    partitions.size(),
                    committedAtStart,
                    endAtStart);
            while (running) {
                step();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void step() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            apply(record);
        }
        Instant now = clock.instant();
        if (!caughtUp) {
            if (!replayed()) {
                return;
            }
            caughtUp = true;
            nextRepost = now;
            LOG.info(
                    "event=relay_caught_up incidents_firing={} alerts_firing={} pending={}",
                    book.firing(Page.Kind.INCIDENT),
                    book.firing(Page.Kind.ALERT),
                    book.hasPending());
        }
        book.releaseHeldEnds(now);
        book.expire(now);
        boolean repostDue = !now.isBefore(nextRepost);
        if ((book.hasPostable() || repostDue) && !now.isBefore(nextAttempt)) {
            deliver(now, repostDue);
        } else {
            commitPositions();
        }
        metrics.book(book);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Page.Kind kind = record.topic().equals(incidentsTopic) ? Page.Kind.INCIDENT : Page.Kind.ALERT;
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        boolean pending = record.offset() >= committedAtStart.getOrDefault(partition, 0L);
        Instant now = clock.instant();
        if (record.key() == null) {
            metrics.record(kind, "undecodable");
            LOG.warn(
                    "event=record_without_key topic={} partition={} offset={}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        if (record.value() == null) {
            book.remove(Pages.key(kind, record.key()), pending, now);
            metrics.record(kind, "relayed");
            return;
        }
        Page page;
        try {
            if (kind == Page.Kind.INCIDENT) {
                page = pages.incident(incidents.decode(record.value()));
            } else {
                DrainAlert alert = alerts.decode(record.value());
                page = pages.alert(alert);
                // Alerts below the minimum page through their incident; one already posted is followed to its end.
                if (alert.getSeverity().compareTo(config.minAlertSeverity()) < 0 && !book.tracks(page.key())) {
                    metrics.record(kind, "ignored");
                    return;
                }
            }
        } catch (SerializationException e) {
            metrics.record(kind, "undecodable");
            LOG.error(
                    "event=record_undecodable topic={} partition={} offset={} error=\"{}\"",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return;
        }
        book.put(page, pending, now);
        metrics.record(kind, "relayed");
    }

    private void deliver(Instant now, boolean everything) {
        PageBook.Batch batch = book.batch(now, everything);
        if (batch.isEmpty()) {
            nextRepost = now.plus(config.repostInterval());
            commitPositions();
            return;
        }
        AlertmanagerClient.Delivery delivery = post(batch.alerts());
        Set<Integer> rejected = Set.of();
        if (delivery.rejectedByAll()) {
            Optional<Set<Integer>> alone = rejectedAlone(batch);
            if (alone.isEmpty()) {
                failed(now, batch);
                return;
            }
            rejected = alone.get();
        } else if (!delivery.accepted()) {
            failed(now, batch);
            return;
        }
        Set<String> dropped = new HashSet<>();
        for (int i : rejected) {
            PostableAlert alert = batch.alerts().get(i);
            batch.keys().get(i).ifPresent(key -> {
                dropped.add(key);
                book.rejected(key);
            });
            LOG.error(
                    "event=page_dropped reason=rejected_by_every_alertmanager alertname={} key={} severity={} custody_group={}",
                    alert.labels().get("alertname"),
                    batch.keys().get(i).orElse("(ended label set)"),
                    alert.labels().get("severity"),
                    alert.labels().get("custody_group"));
        }
        if (rejected.size() < batch.alerts().size()) {
            metrics.success(now);
        }
        for (Page page : batch.changed()) {
            if (dropped.contains(page.key())) {
                continue;
            }
            metrics.delivered(page);
            LOG.info(
                    "event=page_delivered kind={} key={} status={} severity={} custody_group={}",
                    page.kind().label(),
                    page.key(),
                    page.firing() ? "firing" : "resolved",
                    page.labels().get("severity"),
                    page.labels().get("custody_group"));
        }
        book.accepted(now);
        commitPositions();
        if (everything) {
            nextRepost = now.plus(config.repostInterval());
        }
        if (failing) {
            LOG.info("event=alertmanager_recovered");
        }
        failing = false;
        backoff = FIRST_BACKOFF;
        nextAttempt = now;
    }

    /**
     * Every Alertmanager rejected {@code batch} as invalid: posts its alerts one by one, so that one
     * invalid page cannot take the valid ones down with it. The indexes of the alerts rejected on their
     * own, or empty if one of them could not be delivered at all (then the whole batch is retried).
     */
    private Optional<Set<Integer>> rejectedAlone(PageBook.Batch batch) {
        if (batch.alerts().size() == 1) {
            return Optional.of(Set.of(0));
        }
        LOG.warn(
                "event=batch_rejected alerts={} action=posting_one_by_one",
                batch.alerts().size());
        Set<Integer> rejected = new HashSet<>();
        for (int i = 0; i < batch.alerts().size(); i++) {
            AlertmanagerClient.Delivery alone = post(List.of(batch.alerts().get(i)));
            if (alone.rejectedByAll()) {
                rejected.add(i);
            } else if (!alone.accepted()) {
                return Optional.empty();
            }
        }
        return Optional.of(rejected);
    }

    private AlertmanagerClient.Delivery post(List<PostableAlert> alerts) {
        long started = System.nanoTime();
        AlertmanagerClient.Delivery delivery = alertmanager.post(alerts);
        metrics.postTime(Duration.ofNanos(System.nanoTime() - started));
        delivery.outcomes().forEach(metrics::post);
        return delivery;
    }

    private void failed(Instant now, PageBook.Batch batch) {
        failing = true;
        nextAttempt = now.plus(backoff);
        LOG.warn("event=post_failed alerts={} retry_in_ms={}", batch.alerts().size(), backoff.toMillis());
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(config.maxBackoff()) > 0) {
            backoff = config.maxBackoff();
        }
    }

    private void commitPositions() {
        // A held end is read but not accepted: committing now would let a restart skip it.
        if (!caughtUp || book.hasPending()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            long position = consumer.position(partition);
            if (position != lastCommitted.getOrDefault(partition, -1L)) {
                moved.put(partition, new OffsetAndMetadata(position));
            }
        }
        if (moved.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(moved);
            moved.forEach((partition, offset) -> lastCommitted.put(partition, offset.offset()));
        } catch (KafkaException e) {
            // The next step commits again; until then a restart only repeats accepted posts.
            LOG.warn("event=commit_failed error=\"{}\"", e.toString());
        }
    }

    private boolean replayed() {
        for (Map.Entry<TopicPartition, Long> end : endAtStart.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<TopicPartition> partitions = new ArrayList<>();
            try {
                for (String topic : List.of(incidentsTopic, alertsTopic)) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
                    if (infos != null) {
                        infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
                    }
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("event=relay_waiting_for_kafka error=\"{}\"", e.getMessage());
                continue;
            }
            if (partitions.stream().anyMatch(p -> p.topic().equals(incidentsTopic))
                    && partitions.stream().anyMatch(p -> p.topic().equals(alertsTopic))) {
                return partitions;
            }
            LOG.info("event=relay_waiting_for_topics incidents={} alerts={}", incidentsTopic, alertsTopic);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    private static Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }

    /** Stops the loop; {@link #run()} returns after closing the consumer. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
