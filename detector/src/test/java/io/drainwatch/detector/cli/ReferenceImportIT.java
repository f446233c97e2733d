package io.drainwatch.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.demo.AlertWatch;
import io.drainwatch.detector.demo.DemoSettings;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topology.Detector;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.TransferKind;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Operator files go through the real command into real compacted topics. */
class ReferenceImportIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final String WALLET_A = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    private static final String WALLET_B = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359";
    private static final String WALLET_C = "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb";
    private static final String BAD_CHECKSUM = "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run drainwatch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Drainwatch.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void goodRowsLoadBadRowsAreReportedAndTheExitCodeSaysSome() throws Exception {
        KAFKA.createTopic("it.import.wallets", 1, 1);
        Path file = Files.writeString(
                dir.resolve("wallets.csv"), """
        chain_id,address,custody_group,owner_ref,tags
        1,%s,retail,cust-1,"hot;eu"
        1,%s,retail,,
        1,0x1234,retail,,
        1,%s,treasury,,
        137,%s,treasury,"ref, with comma",
        """.formatted(WALLET_A, WALLET_B, BAD_CHECKSUM, WALLET_C));

        Run run = drainwatch(
                "wallets",
                "import",
                file.toString(),
                "-b",
                KAFKA.bootstrapServers(),
                "--topic",
                "wallets=it.import.wallets");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("loaded 3, rejected 2");
        assertThat(run.err().lines())
                .containsExactly(
                        file + ":4: address: address must have 40 hex digits, has 4: '0x1234'",
                        file + ":5: address: EIP-55 checksum mismatch (expected " + WALLET_A + "): '" + BAD_CHECKSUM
                                + "'");

        Map<String, byte[]> topic = readTopic("it.import.wallets", 3);
        assertThat(topic).containsOnlyKeys("1:" + WALLET_A.toLowerCase(), "1:" + WALLET_B, "137:" + WALLET_C);
        AvroSerde<WatchedWallet> serde = AvroSerde.of(WatchedWallet.class);
        WatchedWallet a = serde.decode(topic.get("1:" + WALLET_A.toLowerCase()));
        assertThat(a.getAddress()).isEqualTo(WALLET_A.toLowerCase());
        assertThat(a.getCustodyGroup()).isEqualTo("retail");
        assertThat(a.getOwnerRef()).isEqualTo("cust-1");
        assertThat(a.getTags()).containsExactly("hot", "eu");
        WatchedWallet c = serde.decode(topic.get("137:" + WALLET_C));
        assertThat(c.getChainId()).isEqualTo(137L);
        assertThat(c.getOwnerRef()).isEqualTo("ref, with comma");
    }

    @Test
    void aCleanFileExitsZeroAndDeleteWritesTombstones() throws Exception {
        KAFKA.createTopic("it.import.allowlist", 1, 1);
        Path file = Files.writeString(dir.resolve("allow.csv"), """
        chain_id,address,custody_group,kind,note
        1,%s,*,own-hot,main hot wallet
        1,%s,retail,exchange,
        """.formatted(WALLET_B, WALLET_C));
        Path retire = Files.writeString(
                dir.resolve("retire.csv"), "chain_id,address,custody_group\n1," + WALLET_C + ",retail\n");
        String[] kafka = {"-b", KAFKA.bootstrapServers(), "--topic", "allowlist=it.import.allowlist"};

        Run load = drainwatch(concat(new String[] {"allowlist", "import", file.toString()}, kafka));
        Run delete = drainwatch(concat(new String[] {"allowlist", "import", "--delete", retire.toString()}, kafka));

        assertThat(load.exit()).as(load.err()).isZero();
        assertThat(load.out()).contains("loaded 2, rejected 0");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("deleted 1, rejected 0");
        List<ConsumerRecord<String, byte[]>> records = readRecords("it.import.allowlist", 3);
        assertThat(records)
                .extracting(ConsumerRecord::key)
                .containsExactly("1:" + WALLET_B + "/*", "1:" + WALLET_C + "/retail", "1:" + WALLET_C + "/retail");
        AllowedCounterparty hot =
                AvroSerde.of(AllowedCounterparty.class).decode(records.get(0).value());
        assertThat(hot.getKind()).isEqualTo(CounterpartyKind.OWN_HOT);
        assertThat(hot.getNote()).isEqualTo("main hot wallet");
        assertThat(records.get(2).value()).isNull();
    }

    @Test
    void theImportCommandLoadsAndDeletesLikeTheTableCommands() throws Exception {
        KAFKA.createTopic("it.import.labels", 1, 1);
        Path file = Files.writeString(
                dir.resolve("labels.csv"),
                "address,category,source,chain_id\n" + WALLET_B + ",attacker,ops,1\n0x12,mixer,ops,1\n");
        Path retire = Files.writeString(dir.resolve("unlabel.csv"), "address,chain_id\n" + WALLET_B + ",1\n");
        String[] kafka = {"-b", KAFKA.bootstrapServers(), "--topic", "labels=it.import.labels"};

        Run load = drainwatch(concat(new String[] {"import", "labels", file.toString()}, kafka));
        Run delete =
                drainwatch(concat(new String[] {"import", "labels", retire.toString(), "--mode", "delete"}, kafka));

        assertThat(load.exit()).as("a rejected row").isEqualTo(1);
        assertThat(load.out()).contains("loaded 1, rejected 1");
        assertThat(load.err()).startsWith(file + ":3: address: ");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("deleted 1, rejected 0");
        List<ConsumerRecord<String, byte[]>> records = readRecords("it.import.labels", 2);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("1:" + WALLET_B, "1:" + WALLET_B);
        assertThat(AvroSerde.of(io.drainwatch.schemas.AddressLabel.class)
                        .decode(records.get(0).value())
                        .getCategory())
                .hasToString("ATTACKER");
        assertThat(records.get(1).value()).isNull();
    }

    @Test
    void aHeaderWithoutARequiredColumnWritesNothingAndExitsTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("prices.csv"), "chain_id,asset,usd_price\n1,native,3500\n");

        Run run = drainwatch("prices", "import", file.toString(), "-b", KAFKA.bootstrapServers());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("header is missing required column 'decimals'");
    }

    @Test
    void anOutflowWhoseTransactionIsInTheImportedSignerLogIsAuthorisedAndOneThatIsNotIsUnauthorised() throws Exception {
        Topics topics = Topics.defaults();
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(topics, 2, (short) 1);
        String walletA = WALLET_A.toLowerCase();
        String signedTx = "0x" + "5e".repeat(32);
        String unsignedTx = "0x" + "7a".repeat(32);
        Path log = Files.writeString(
                dir.resolve("signer.csv"), """
        chain_id,tx_hash,from,signed_at,signer_request_id,custody_group
        1,%s,%s,2026-06-04T09:59:58Z,req-1,retail
        1,0xnot-a-hash,%s,,,
        """.formatted(signedTx.toUpperCase().replace("0X", "0x"), walletA, walletA));

        Run run = drainwatch("import", "signed-tx", log.toString(), "-b", KAFKA.bootstrapServers());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("loaded 1, rejected 1");
        assertThat(run.err()).contains(log + ":3: tx_hash must be 0x followed by 64 hex digits");

        Instant opening = Instant.now().minusSeconds(12);
        BigInteger tenEth = BigInteger.TEN.pow(19);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            send(
                    producer,
                    topics.prices(),
                    "1:native",
                    TokenPrice.newBuilder()
                            .setChainId(1)
                            .setAsset("native")
                            .setUsdPrice(3000)
                            .setDecimals(18)
                            .setSymbol("ETH")
                            .setUpdatedAt(opening)
                            .build());
            for (String wallet : List.of(walletA, WALLET_B)) {
                send(
                        producer,
                        topics.wallets(),
                        "1:" + wallet,
                        WatchedWallet.newBuilder()
                                .setChainId(1)
                                .setAddress(wallet)
                                .setCustodyGroup("retail")
                                .setTags(List.of())
                                .build());
                send(
                        producer,
                        topics.balances(),
                        "1:" + wallet,
                        BalanceSnapshot.newBuilder()
                                .setChainId(1)
                                .setWallet(wallet)
                                .setAsset("native")
                                .setBalance(new BigDecimal(tenEth))
                                .setDecimals(18)
                                .setBlockNumber(99)
                                .setBlockHash("0x" + "99".repeat(32))
                                .setBlockTime(opening)
                                .build());
            }
        }
        Map<String, String> settings = new java.util.HashMap<>(DemoSettings.detectorSettings(dir.resolve("state"), 0));
        settings.put("application.id", "it-signer-log");
        try (Detector detector = Detector.start(
                        DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers()), new SimpleMeterRegistry());
                KafkaProducer<String, byte[]> producer = producer()) {
            assertThat(detector.awaitRunning(Duration.ofSeconds(60))).isTrue();
            // Each wallet pays a tenth of its balance to an address it never paid: only the signer log tells them
            // apart.
            Instant blockTime = Instant.now();
            send(producer, topics.transfers(), "1:" + walletA, outflow(walletA, WALLET_C, signedTx, tenEth, blockTime));
            send(
                    producer,
                    topics.transfers(),
                    "1:" + WALLET_B,
                    outflow(WALLET_B, WALLET_C, unsignedTx, tenEth, blockTime));
            send(
                    producer,
                    topics.heads(),
                    "1",
                    BlockHead.newBuilder()
                            .setChainId(1)
                            .setNumber(100)
                            .setHash("0x" + "10".repeat(32))
                            .setParentHash("0x" + "99".repeat(32))
                            .setTime(blockTime)
                            .build());

            AvroSerde<DrainAlert> serde = AvroSerde.of(DrainAlert.class);
            List<DrainAlert> alerts = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                    AlertWatch.readCommitted(
                            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), "it-signer"),
                    new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topics.alerts()).stream()
                        .map(p -> new TopicPartition(topics.alerts(), p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                await("the unsigned outflow's alert")
                        .atMost(Duration.ofSeconds(45))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(r -> alerts.add(serde.decode(r.value())));
                            return alerts.stream().anyMatch(a -> a.getRule().equals("unauthorized-outflow"));
                        });
                // Both outflows had the same grace period: give the signed one as long again to (wrongly) fire.
                Instant until = Instant.now().plusSeconds(4);
                while (Instant.now().isBefore(until)) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> alerts.add(serde.decode(r.value())));
                }
            }
            assertThat(alerts)
                    .filteredOn(a -> a.getRule().equals("unauthorized-outflow"))
                    .as("unauthorized-outflow alerts")
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.getSubject()).isEqualTo(WALLET_B);
                        assertThat(a.getTxHashes()).containsExactly(unsignedTx);
                    });
            assertThat(alerts)
                    .as("alerts on the wallet whose outflow the signer log holds")
                    .noneSatisfy(a -> assertThat(a.getSubject()).isEqualTo(walletA))
                    .noneSatisfy(a -> assertThat(a.getWallets()).contains(walletA));
        }
    }

    private static TransferEvent outflow(String from, String to, String tx, BigInteger before, Instant time) {
        BigInteger amount = before.divide(BigInteger.TEN);
        return TransferEvent.newBuilder()
                .setChainId(1)
                .setFrom(from)
                .setTo(to)
                .setKind(TransferKind.NATIVE)
                .setAsset("native")
                .setAmount(new BigDecimal(amount))
                .setDecimals(18)
                .setEventId("1:0x" + "10".repeat(32) + ":" + tx + ":native")
                .setTxHash(tx)
                .setBlockNumber(100)
                .setBlockHash("0x" + "10".repeat(32))
                .setBlockTime(time)
                .setSenderBalanceBefore(new BigDecimal(before))
                .setSenderBalanceAfter(new BigDecimal(before.subtract(amount)))
                .setTxFrom(from)
                .setRecipientFresh(false)
                .build();
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, String topic, String key, T value) throws Exception {
        AvroSerde<T> serde = AvroSerde.of((Class<T>) value.getClass());
        producer.send(new ProducerRecord<>(topic, key, serde.encode(value))).get();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Map<String, byte[]> readTopic(String topic, int expected) {
        Map<String, byte[]> latest = new LinkedHashMap<>();
        readRecords(topic, expected).forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private static List<ConsumerRecord<String, byte[]>> readRecords(String topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}
