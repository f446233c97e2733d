package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.TransferEvent;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;

/**
 * The ingest loop through failures of its own making: an unexpected exception in a step, a commit
 * whose acknowledgement is lost after it went through, a commit that never goes through. The loop
 * keeps running, says it is not ready while its producer is being replaced, and every event is on the
 * topics exactly once.
 */
class IngestRecoveryIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private enum Fault {
        NONE,
        /** The first send throws an exception nobody expects (a stand-in for any bug in a step). */
        SEND_THROWS,
        /** The commit goes through, but every call reports a timeout, as when the acknowledgement is lost. */
        ACK_LOST,
        /** The commit never goes through: every call times out, as when the coordinator is out of reach. */
        NO_COMMIT
    }

    /** A real transactional producer with a fault in some of its transactions (numbered from 1). */
    private static final class Scripted extends KafkaProducer<String, byte[]> {
        private final Map<Integer, Fault> faults;
        private int transaction;
        private boolean thrown;
        private boolean committed;

        Scripted(Map<String, Object> props, Map<Integer, Fault> faults) {
            super(props, new StringSerializer(), new ByteArraySerializer());
            this.faults = faults;
        }

        private Fault fault() {
            return faults.getOrDefault(transaction, Fault.NONE);
        }

        @Override
        public void beginTransaction() {
            transaction++;
            thrown = false;
            committed = false;
            super.beginTransaction();
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            if (fault() == Fault.SEND_THROWS && !thrown) {
                thrown = true;
                throw new IllegalArgumentException("unexpected");
            }
            return super.send(record, callback);
        }

        @Override
        public void commitTransaction() {
            switch (fault()) {
                case ACK_LOST -> {
                    if (!committed) {
                        super.commitTransaction();
                        committed = true;
                    }
                    throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
                }
                case NO_COMMIT ->
                    throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
                default -> super.commitTransaction();
            }
        }
    }

    @Test
    void theLoopSurvivesAnUnexpectedErrorAndCommitsOfUnknownOutcomeWithEveryEventOnce() throws Exception {
        IngestFixture fx = new IngestFixture(KAFKA, "recovery");
        Credentials from = DevChain.dev(3);
        String to = DevChain.address(DevChain.dev(8));
        List<JsonNode> receipts = new ArrayList<>();
        try (AnvilNode anvil = AnvilNode.start();
                TopicReader<TransferEvent> transfers = fx.reader(fx.topics.transfers(), TransferEvent.class);
                TopicReader<BlockHead> heads = fx.reader(fx.topics.heads(), BlockHead.class)) {
            IngestConfig config = fx.config(anvil, 0L, true);
            Map<String, Object> props = ChainWriter.producerProperties(config.kafka(), config.chainId());
            List<Map<Integer, Fault>> script =
                    List.of(Map.of(2, Fault.SEND_THROWS, 4, Fault.ACK_LOST), Map.of(2, Fault.NO_COMMIT), Map.of());
            AtomicInteger made = new AtomicInteger();
            // a replacement producer waits until the test has seen the ingestor not ready
            Semaphore replacements = new Semaphore(0);
            Supplier<Producer<String, byte[]>> producers = () -> {
                int n = made.getAndIncrement();
                if (n > 0) {
                    try {
                        replacements.tryAcquire(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Scripted(props, script.get(Math.min(n, script.size() - 1)));
            };
            IngestMetrics metrics = IngestMetrics.discarding(config.chainId());
            Ingestor ingestor = Ingest.ingestor(config, metrics, producers);
            Thread thread = new Thread(ingestor, "ingestor-under-test");
            thread.start();
            try (IngestFixture.Running ingest = new IngestFixture.Running(ingestor, thread, metrics)) {
                DevChain chain = new DevChain(anvil);
                Runnable transfer =
                        () -> receipts.add(chain.transferEth(from, to, BigInteger.valueOf(1_000 + receipts.size())));
                await("started").atMost(Duration.ofSeconds(60)).until(ingestor::ready);
                for (int replaced = 1; replaced <= 2; replaced++) {
                    // one block per poll, so one transaction per step, until a commit leaves the writer broken
                    await("writer broken " + replaced)
                            .atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(300))
                            .until(() -> {
                                transfer.run();
                                return !ingestor.ready();
                            });
                    assertThat(thread.isAlive()).isTrue();
                    replacements.release();
                    await("writer rebuilt " + replaced)
                            .atMost(Duration.ofSeconds(60))
                            .until(ingestor::ready);
                }
                transfer.run();
                transfer.run();
                String last = chain.blockHashOf(receipts.get(receipts.size() - 1));
                await("all written")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> heads.values().stream()
                                .anyMatch(h -> h.getHash().equals(last)));
                assertThat(thread.isAlive()).isTrue();
                assertThat(made).hasValue(3);
            }

            List<TransferEvent> all = transfers.values();
            assertThat(all).noneMatch(TransferEvent::getRemoved);
            assertThat(all).extracting(TransferEvent::getEventId).doesNotHaveDuplicates();
            Set<String> sent = receipts.stream()
                    .map(r -> r.get("transactionHash").asText())
                    .collect(Collectors.toSet());
            assertThat(all.stream().map(TransferEvent::getTxHash).filter(sent::contains))
                    .hasSize(sent.size())
                    .doesNotHaveDuplicates();
            List<Long> numbers =
                    heads.values().stream().map(BlockHead::getNumber).toList();
            assertThat(numbers).doesNotHaveDuplicates().isSorted();
            assertThat(numbers.get(numbers.size() - 1) - numbers.get(0) + 1).isEqualTo(numbers.size());
        }
    }
}
