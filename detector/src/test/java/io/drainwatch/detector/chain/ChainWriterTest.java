package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.schemas.BlockHead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The transactional writer when commits time out or the producer breaks. */
class ChainWriterTest {
    /** A producer whose commits time out a given number of times, refusing an abort meanwhile as Kafka's does. */
    private static final class Flaky extends MockProducer<String, byte[]> {
        int commitTimeouts;
        boolean commitPending;
        int aborts;

        Flaky(int commitTimeouts) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.commitTimeouts = commitTimeouts;
        }

        @Override
        public void commitTransaction() {
            if (commitTimeouts > 0) {
                commitTimeouts--;
                commitPending = true;
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            }
            commitPending = false;
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            if (commitPending) {
                throw new IllegalStateException("Cannot attempt operation `abortTransaction` because the previous"
                        + " call to `commitTransaction` timed out and must be retried");
            }
            super.abortTransaction();
            aborts++;
        }

        @Override
        public void beginTransaction() {
            if (commitPending) {
                throw new KafkaException("TransactionalId drainwatch-ingest-1: Invalid transition attempted from"
                        + " state COMMITTING_TRANSACTION to state IN_TRANSACTION");
            }
            super.beginTransaction();
        }
    }

    private static BlockEvents block(long number) {
        BlockHead head = BlockHead.newBuilder()
                .setChainId(1)
                .setNumber(number)
                .setHash("0x" + Long.toHexString(number))
                .setParentHash("0x" + Long.toHexString(number - 1))
                .setTime(Instant.EPOCH)
                .setFinalizedNumber(null)
                .setRemoved(false)
                .build();
        return new BlockEvents(head, List.of(), List.of(), List.of(), List.of());
    }

    private static Progress progress(long number) {
        return Progress.of(
                1,
                ReorgWindow.of(
                        8, List.of(new ReorgWindow.Entry(number, "0x" + Long.toHexString(number), "0x0", 0, null))));
    }

    private static ChainWriter writer(List<Flaky> producers, int... commitTimeouts) {
        int[] next = {0};
        ChainWriter writer = new ChainWriter(
                () -> {
                    Flaky p = new Flaky(next[0] < commitTimeouts.length ? commitTimeouts[next[0]] : 0);
                    next[0]++;
                    producers.add(p);
                    return p;
                },
                Topics.defaults(),
                "progress",
                1,
                IngestMetrics.discarding(1));
        writer.init();
        return writer;
    }

    @Test
    void aStepsEventsGoBetweenProgressTicksInEveryPartitionOfTheTransfersTopicBeforeTheProgress() {
        Topics topics = Topics.defaults();
        List<PartitionInfo> partitions = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            partitions.add(new PartitionInfo(topics.transfers(), p, null, new Node[0], new Node[0]));
        }
        Cluster cluster = new Cluster("c", List.of(), partitions, Set.of(), Set.of());
        MockProducer<String, byte[]> producer =
                new MockProducer<>(cluster, true, null, new StringSerializer(), new ByteArraySerializer());
        ChainWriter writer = new ChainWriter(() -> producer, topics, "progress", 1, IngestMetrics.discarding(1));
        writer.init();

        writer.write(List.of(), List.of(block(7), block(8)), progress(8));

        List<ProducerRecord<String, byte[]>> sent = producer.history();
        List<ProducerRecord<String, byte[]>> ticks = sent.stream()
                .filter(r -> r.topic().equals(topics.transfers()) && r.value() == null)
                .toList();
        assertThat(ticks).hasSize(6).allSatisfy(r -> assertThat(r.key()).isEqualTo("1:tick"));
        // ahead of the step's events, a tick through the block before its lowest; after them, through its head
        List<ProducerRecord<String, byte[]>> leading = ticks.subList(0, 3);
        List<ProducerRecord<String, byte[]>> trailing = ticks.subList(3, 6);
        assertThat(leading).extracting(ProducerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(leading)
                .allSatisfy(r -> assertThat(ProgressTick.of(r.headers())).contains(new ProgressTick(1, 6, 3)));
        assertThat(trailing).extracting(ProducerRecord::partition).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(trailing)
                .allSatisfy(r -> assertThat(ProgressTick.of(r.headers())).contains(new ProgressTick(1, 8, 3)));
        int firstHead = sent.indexOf(sent.stream()
                .filter(r -> r.topic().equals(topics.heads()))
                .findFirst()
                .orElseThrow());
        int lastHead = sent.indexOf(sent.stream()
                .filter(r -> r.topic().equals(topics.heads()))
                .reduce((a, b) -> b)
                .orElseThrow());
        assertThat(sent.indexOf(leading.getLast())).isLessThan(firstHead);
        assertThat(sent.indexOf(trailing.getFirst())).isGreaterThan(lastHead);
        assertThat(sent.getLast().topic()).isEqualTo("progress");

        // the next step follows the last tick: no tick of block 8 again; a reorganisation's step leads anew
        producer.clear();
        writer.write(List.of(), List.of(block(9)), progress(9));
        assertThat(ticksIn(producer, topics))
                .containsOnly(new ProgressTick(1, 9, 3))
                .hasSize(3);
        producer.clear();
        writer.write(List.of(block(9).retracted()), List.of(block(9)), progress(9));
        assertThat(ticksIn(producer, topics))
                .containsExactly(
                        new ProgressTick(1, 8, 3),
                        new ProgressTick(1, 8, 3),
                        new ProgressTick(1, 8, 3),
                        new ProgressTick(1, 9, 3),
                        new ProgressTick(1, 9, 3),
                        new ProgressTick(1, 9, 3));
    }

    private static List<ProgressTick> ticksIn(MockProducer<String, byte[]> producer, Topics topics) {
        return producer.history().stream()
                .filter(r -> r.topic().equals(topics.transfers()) && r.value() == null)
                .map(r -> ProgressTick.of(r.headers()).orElseThrow())
                .toList();
    }

    @Test
    void aCommitThatTimesOutIsRetriedAndCommitsOnce() {
        List<Flaky> producers = new ArrayList<>();
        ChainWriter writer = writer(producers, ChainWriter.COMMIT_ATTEMPTS - 1);

        writer.write(List.of(), List.of(block(7)), progress(7));
        writer.write(List.of(), List.of(block(8)), progress(8));

        assertThat(writer.broken()).isFalse();
        assertThat(producers).singleElement().satisfies(p -> {
            assertThat(p.commitCount()).isEqualTo(2);
            assertThat(p.aborts).isZero();
        });
    }

    @Test
    void aCommitWhoseOutcomeStaysUnknownBreaksTheWriterUntilANewProducerReplacesIt() {
        List<Flaky> producers = new ArrayList<>();
        ChainWriter writer = writer(producers, Integer.MAX_VALUE);

        assertThatThrownBy(() -> writer.write(List.of(), List.of(block(7)), progress(7)))
                .isInstanceOf(TimeoutException.class);
        assertThat(writer.broken()).isTrue();
        assertThatThrownBy(() -> writer.write(List.of(), List.of(block(7)), progress(7)))
                .isInstanceOf(IllegalStateException.class);

        writer.rebuild();
        writer.write(List.of(), List.of(block(7)), progress(7));

        assertThat(writer.broken()).isFalse();
        assertThat(producers).hasSize(2);
        assertThat(producers.get(0).closed()).isTrue();
        assertThat(producers.get(1).transactionInitialized()).isTrue();
        assertThat(producers.get(1).commitCount()).isEqualTo(1);
        assertThat(producers.get(1).history()).extracting(r -> r.topic()).contains("progress");
    }

    @Test
    void aFailedSendIsAbortedAndTheNextTransactionGoesThrough() {
        List<Flaky> producers = new ArrayList<>();
        ChainWriter writer = writer(producers);
        producers.get(0).sendException = new KafkaException("record too large");

        assertThatThrownBy(() -> writer.write(List.of(), List.of(block(7)), progress(7)))
                .isInstanceOf(KafkaException.class);
        producers.get(0).sendException = null;
        writer.write(List.of(), List.of(block(7)), progress(7));

        assertThat(writer.broken()).isFalse();
        assertThat(producers).singleElement().satisfies(p -> {
            assertThat(p.aborts).isEqualTo(1);
            assertThat(p.commitCount()).isEqualTo(1);
        });
    }
}
