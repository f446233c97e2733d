package io.drainwatch.detector.chain;

import static io.drainwatch.detector.chain.DevChain.addr;
import static io.drainwatch.detector.chain.DevChain.address;
import static io.drainwatch.detector.chain.DevChain.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.embedded.TopicSetup;
import io.drainwatch.detector.testing.KafkaClusterExtension;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.detector.topology.Detector;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.Severity;
import io.drainwatch.schemas.SignedTransaction;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The attack shapes end to end on a real chain: anvil mines real signed transactions, the real ingestor
 * follows it into an in-JVM broker and the real detector reads what it writes. Among 30 watched wallets it
 * plays a mass sweep of small wallets (each under $1,000, each to its own fresh address, the token-only
 * ones first given gas by one attacker address), an unlimited ERC-20 approval to a fresh spender that then
 * pulls the tokens with {@code transferFrom}, and an EIP-7702 delegation to a sweeper contract that then
 * forwards the wallet's ETH; and their look-alikes: an approval to an allowlisted router, a full withdrawal
 * to an address the wallet paid before, and a consolidation of small wallets to the custodian's hot wallet.
 * The custodian publishes what it signs (the signer log is in use), the look-alikes included.
 */
class AttackShapesIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.singleNode();

    private static final long CHAIN = AnvilNode.CHAIN_ID;
    private static final String APPLICATION_ID = "attack-shapes";
    private static final BigInteger ETHER = DevChain.ETHER;
    private static final BigInteger MILLI_ETHER = ETHER.divide(BigInteger.valueOf(1000));
    /** The test token has 6 decimals and is priced at $1. */
    private static final BigInteger DOLLAR = BigInteger.valueOf(1_000_000);

    private static final BigInteger UNLIMITED = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    private static final int MASS_VICTIMS = 10;

    @TempDir
    Path stateDir;

    @Test
    void everyShapeIsAlertedInItsBlockAndTheLookAlikesDoNotPage() throws Exception {
        long began = System.nanoTime();
        Topics topics = Topics.defaults();
        TopicCatalogue catalogue = TopicCatalogue.of(topics);
        new TopicSetup(KAFKA.admin(), Duration.ofSeconds(30)).createAll(topics, 2, (short) 1);

        try (AnvilNode anvil = AnvilNode.start();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        KAFKA.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            // one second of block time per block, so each victim's block has a time of its own
            anvil.call("anvil_setBlockTimestampInterval", 1);
            DevChain chain = new DevChain(anvil);
            Credentials hot = DevChain.dev(0);
            Credentials attacker = DevChain.dev(1);
            Credentials outsider = DevChain.dev(2);
            String router = address(DevChain.fresh());
            String user = address(DevChain.fresh());

            List<Credentials> mass = new ArrayList<>();
            for (int i = 0; i < MASS_VICTIMS; i++) {
                mass.add(DevChain.fresh());
            }
            List<Credentials> consolidated = List.of(DevChain.fresh(), DevChain.fresh(), DevChain.fresh());
            Credentials approver = DevChain.fresh();
            Credentials delegator = DevChain.fresh();
            Credentials routerApprover = DevChain.fresh();
            Credentials withdrawer = DevChain.fresh();
            Map<String, String> groupOf = new LinkedHashMap<>();
            mass.forEach(c -> groupOf.put(address(c), "retail"));
            consolidated.forEach(c -> groupOf.put(address(c), "retail"));
            for (int i = 0; i < 13; i++) {
                groupOf.put(address(DevChain.fresh()), "retail"); // watched, idle
            }
            for (Credentials c : List.of(approver, delegator, routerApprover, withdrawer)) {
                groupOf.put(address(c), "treasury");
            }

            long fromBlock = anvil.blockNumber() + 1;
            String token = chain.deploy(hot, "Token", uint(DOLLAR.multiply(BigInteger.valueOf(10_000_000))));
            groupOf.forEach((w, g) -> send(producer, catalogue.wallets(), watched(w, g)));
            send(producer, catalogue.allowlist(), allowed(address(hot), "*"));
            send(producer, catalogue.allowlist(), allowed(router, "treasury"));
            send(producer, catalogue.prices(), price("native", 3000, 18));
            send(producer, catalogue.prices(), price(token, 1, 6));

            Map<String, String> settings = new HashMap<>();
            settings.put("application.id", APPLICATION_ID);
            settings.put("kafka.state.dir", stateDir.toString());
            settings.put("kafka.commit.interval.ms", "200");
            settings.put("kafka.num.stream.threads", "1");
            settings.put("rules.unauthorized-outflow.enabled", "true");
            DetectorConfig config = DetectorConfig.withOverrides(settings, KAFKA.bootstrapServers());
            Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());

            try (Detector detector = Detector.start(config, new SimpleMeterRegistry());
                    RunningIngestor ingest = RunningIngestor.start(new IngestConfig(
                            CHAIN,
                            List.of(anvil.httpUrl()),
                            null,
                            fromBlock,
                            TraceMode.DEBUG,
                            128,
                            20,
                            0,
                            Duration.ofMillis(200),
                            new JsonRpcClient.Settings(Duration.ofSeconds(5), 4, Duration.ofMillis(50), 200, 0),
                            client,
                            topics,
                            "attack-shapes.progress"))) {
                assertThat(detector.awaitRunning(Duration.ofSeconds(60)))
                        .as("detector reaches RUNNING")
                        .isTrue();

                // Funding from the custodian's hot wallet: small retail wallets, some holding only tokens.
                List<Boolean> tokenOnly = new ArrayList<>();
                for (int i = 0; i < MASS_VICTIMS; i++) {
                    boolean onlyTokens = i % 3 == 2;
                    tokenOnly.add(onlyTokens);
                    if (onlyTokens) {
                        ok(transferToken(
                                chain,
                                hot,
                                token,
                                address(mass.get(i)),
                                DOLLAR.multiply(BigInteger.valueOf(400 + 50L * i))));
                    } else {
                        ok(chain.transferEth(
                                hot, address(mass.get(i)), MILLI_ETHER.multiply(BigInteger.valueOf(100 + 20L * i))));
                    }
                }
                for (Credentials c : consolidated) {
                    ok(chain.transferEth(hot, address(c), MILLI_ETHER.multiply(BigInteger.valueOf(150))));
                }
                for (Credentials c : List.of(approver, routerApprover)) {
                    ok(chain.transferEth(hot, address(c), MILLI_ETHER.multiply(BigInteger.valueOf(50))));
                    ok(transferToken(chain, hot, token, address(c), DOLLAR.multiply(BigInteger.valueOf(50_000))));
                }
                ok(chain.transferEth(hot, address(delegator), ETHER.multiply(BigInteger.valueOf(5))));
                ok(chain.transferEth(hot, address(withdrawer), ETHER.multiply(BigInteger.valueOf(2))));
                ok(chain.transferEth(outsider, address(attacker), ETHER));

                // Look-alikes, each signed by the custodian's signer as its own operations are (with the signer
                // log in use, an unsigned outflow pages as unauthorized-outflow whatever its destination): a
                // withdrawal, then the rest of the wallet to the same address; an approval to the allowlisted
                // router; small deposit wallets consolidated to the hot wallet.
                JsonNode firstPayment = chain.transferEth(withdrawer, user, ETHER.divide(BigInteger.TEN));
                signed(producer, topics, firstPayment, address(withdrawer), "withdrawal-1");
                JsonNode routerApproval = chain.sendAndWait(
                        routerApprover,
                        token,
                        BigInteger.ZERO,
                        DevChain.call("approve", addr(router), uint(UNLIMITED)),
                        100_000);
                ok(routerApproval);
                signed(producer, topics, routerApproval, address(routerApprover), "router-approval");
                for (Credentials c : consolidated) {
                    JsonNode consolidation = sweepEth(chain, anvil, c, address(hot));
                    ok(consolidation);
                    signed(producer, topics, consolidation, address(c), "consolidation");
                }
                JsonNode withdrawal = sweepEth(chain, anvil, withdrawer, user);
                ok(withdrawal);
                signed(producer, topics, withdrawal, address(withdrawer), "withdrawal-2");

                // (ii) an unlimited approval to a fresh spender, which then pulls the tokens
                Credentials spender = DevChain.fresh();
                String collector = address(DevChain.fresh());
                ok(chain.transferEth(outsider, address(spender), MILLI_ETHER.multiply(BigInteger.TEN)));
                JsonNode approval = chain.sendAndWait(
                        approver,
                        token,
                        BigInteger.ZERO,
                        DevChain.call("approve", addr(address(spender)), uint(UNLIMITED)),
                        100_000);
                ok(approval);
                JsonNode pulled = chain.sendAndWait(
                        spender,
                        token,
                        BigInteger.ZERO,
                        DevChain.call(
                                "transferFrom",
                                addr(address(approver)),
                                addr(collector),
                                uint(DOLLAR.multiply(BigInteger.valueOf(50_000)))),
                        100_000);
                ok(pulled);

                // (iii) an EIP-7702 delegation to a sweeper contract, which then forwards the wallet's ETH
                String sweeper = chain.deploy(attacker, "Sweeper");
                JsonNode delegation = chain.delegate(attacker, delegator, sweeper);
                ok(delegation);
                String delegationCollector = address(DevChain.fresh());
                JsonNode forward = chain.sendAndWait(
                        attacker,
                        address(delegator),
                        BigInteger.ZERO,
                        DevChain.call("sweep", addr(delegationCollector)),
                        100_000);
                ok(forward);
                assertThat(chain.balance(address(delegator), chain.blockHashOf(forward)))
                        .as("the sweeper forwarded the delegated wallet's ETH")
                        .isZero();

                // (i) the mass sweep: gas for the token-only wallets from the attacker, then each wallet
                // to a fresh address of its own
                for (int i = 0; i < MASS_VICTIMS; i++) {
                    if (tokenOnly.get(i)) {
                        ok(chain.transferEth(attacker, address(mass.get(i)), MILLI_ETHER.multiply(BigInteger.TWO)));
                    }
                }
                List<Long> sweepBlocks = new ArrayList<>();
                for (int i = 0; i < MASS_VICTIMS; i++) {
                    String drop = address(DevChain.fresh());
                    JsonNode receipt = tokenOnly.get(i)
                            ? transferToken(
                                    chain, mass.get(i), token, drop, DOLLAR.multiply(BigInteger.valueOf(400 + 50L * i)))
                            : sweepEth(chain, anvil, mass.get(i), drop);
                    ok(receipt);
                    sweepBlocks.add(block(receipt));
                }
                long lastBlock = anvil.blockNumber();

                await("the ingestor wrote block " + lastBlock)
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> ingest.ingestor()
                                        .head()
                                        .map(ReorgWindow.Entry::number)
                                        .orElse(-1L)
                                >= lastBlock);
                KAFKA.awaitCaughtUp(APPLICATION_ID, Duration.ofSeconds(60));
                Set<String> victims =
                        new HashSet<>(mass.stream().map(DevChain::address).toList());
                // The signer's grace runs on the wall clock: the last victim's unsigned sweep is judged after
                // everything played before it, so once it is alerted so are the look-alikes.
                String lastVictim = address(mass.get(MASS_VICTIMS - 1));
                await("the last victim's unauthorised outflow")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> readAll(topics.alerts(), DrainAlert.class).stream()
                                .anyMatch(a ->
                                        a.getRule().equals("unauthorized-outflow") && names(a).contains(lastVictim)));
                await("the incident counts every mass-sweep victim")
                        .atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> readAll(topics.incidents(), DrainIncident.class).stream()
                                        .mapToInt(DrainIncident::getWalletsDrained)
                                        .max()
                                        .orElse(0)
                                >= MASS_VICTIMS);
                KAFKA.awaitCaughtUp(APPLICATION_ID, Duration.ofSeconds(60));

                List<DrainAlert> alerts = readAll(topics.alerts(), DrainAlert.class);
                List<DrainIncident> incidents = readAll(topics.incidents(), DrainIncident.class);
                alerts.forEach(a -> System.out.printf(
                        "alert %s %s %s %s%n", a.getAlertId(), a.getSeverity(), a.getStatus(), a.getSummary()));

                // (i) every victim paged; the incident open by the fifth
                Set<String> paged = new HashSet<>();
                alerts.stream()
                        .filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0)
                        .forEach(a -> paged.addAll(names(a)));
                incidents.forEach(i -> paged.addAll(i.getWallets()));
                assertThat(paged)
                        .as("mass-sweep victims named by a high or critical alert or by the incident")
                        .containsAll(victims);
                assertThat(alerts)
                        .as("gas-topup-sweep on the token-only victims")
                        .anyMatch(a -> a.getRule().equals("gas-topup-sweep"));
                DrainIncident opening = incidents.stream()
                        .filter(i -> i.getStatus() == AlertStatus.FIRING)
                        .findFirst()
                        .orElseThrow();
                assertThat(opening.getCustodyGroup()).isEqualTo("retail");
                // The wallet stage runs as two tasks (two partitions) whose drains reach the fleet stage in the
                // order they were processed, not in chain order: which five victims the incident opens on
                // depends on that order, but it opens on the fifth to arrive and on victims only.
                assertThat(opening.getWalletsDrained())
                        .as("wallets drained when the incident opened: the fifth to reach it, without waiting for more")
                        .isEqualTo(5);
                assertThat(opening.getWallets())
                        .as("the wallets it opened on")
                        .hasSize(5)
                        .allSatisfy(w -> assertThat(victims).contains(w));
                assertThat(opening.getLastEvidenceTime())
                        .as("the incident's evidence when it opened lies within the mass sweep")
                        .isAfterOrEqualTo(blockTime(anvil, sweepBlocks.get(4)))
                        .isBeforeOrEqualTo(blockTime(anvil, sweepBlocks.get(MASS_VICTIMS - 1)));

                // (ii) the approval, alerted in its block and raised when the spender moved the tokens
                long approvalBlock = block(approval);
                List<DrainAlert> approvalAlerts = alerts.stream()
                        .filter(a -> a.getRule().equals("unknown-approval") && names(a).contains(address(approver)))
                        .toList();
                assertThat(approvalAlerts)
                        .as("unknown-approval alerts on the approver")
                        .isNotEmpty();
                assertThat(approvalAlerts).allSatisfy(a -> {
                    assertThat(a.getFirstBlock()).as("block of the approval").isEqualTo(approvalBlock);
                    assertThat(a.getAlertId()).endsWith(":" + approvalBlock);
                });
                assertThat(approvalAlerts.get(0).getSeverity())
                        .as("unlimited approval")
                        .isEqualTo(Severity.HIGH);
                assertThat(approvalAlerts.get(approvalAlerts.size() - 1).getSeverity())
                        .as("after transferFrom by the spender")
                        .isEqualTo(Severity.CRITICAL);

                // (iii) the delegation, alerted in its block, the forward added to it
                long delegationBlock = block(delegation);
                List<DrainAlert> delegationAlerts = alerts.stream()
                        .filter(a -> a.getRule().equals("delegation") && names(a).contains(address(delegator)))
                        .toList();
                assertThat(delegationAlerts)
                        .as("delegation alerts on the delegator")
                        .isNotEmpty();
                assertThat(delegationAlerts).allSatisfy(a -> {
                    assertThat(a.getFirstBlock()).as("block of the delegation").isEqualTo(delegationBlock);
                    assertThat(a.getAlertId()).endsWith(":" + delegationBlock);
                    assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
                });
                assertThat(delegationAlerts.get(delegationAlerts.size() - 1).getTxHashes())
                        .as("the forward joins the delegation alert")
                        .contains(Hex.lower(forward.get("transactionHash").asText()));

                // the look-alikes page nothing and are in no incident
                Set<String> lookAlikes = new HashSet<>();
                consolidated.forEach(c -> lookAlikes.add(address(c)));
                lookAlikes.add(address(routerApprover));
                lookAlikes.add(address(withdrawer));
                assertThat(alerts.stream()
                                .filter(a -> a.getSeverity().compareTo(Severity.HIGH) >= 0
                                        && names(a).stream().anyMatch(lookAlikes::contains)))
                        .as("high or critical alerts on the look-alikes")
                        .extracting(a -> a.getRule() + " " + a.getSummary())
                        .isEmpty();
                assertThat(incidents)
                        .as("incidents name only mass-sweep victims")
                        .allSatisfy(i -> assertThat(i.getWallets())
                                .allSatisfy(w -> assertThat(victims).contains(w)));
                System.out.printf(
                        "attack-shapes: blocks %d..%d, %d alerts, %d incident records, %.1f s%n",
                        fromBlock, lastBlock, alerts.size(), incidents.size(), (System.nanoTime() - began) / 1e9);
            }
        }
    }

    /** The ingestor in a thread of this JVM, stopped and joined on close. */
    private record RunningIngestor(Ingestor ingestor, Thread thread) implements AutoCloseable {
        static RunningIngestor start(IngestConfig config) {
            Ingestor ingestor = Ingest.ingestor(config, IngestMetrics.discarding(config.chainId()));
            Thread thread = new Thread(ingestor, "attack-shapes-ingestor");
            thread.start();
            return new RunningIngestor(ingestor, thread);
        }

        @Override
        public void close() throws InterruptedException {
            ingestor.close();
            thread.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    private static Set<String> names(DrainAlert a) {
        Set<String> names = new HashSet<>(a.getWallets());
        names.add(a.getSubject());
        return names;
    }

    private static void ok(JsonNode receipt) {
        assertThat(receipt.path("status").asText())
                .as("status of %s", receipt.path("transactionHash"))
                .isEqualTo("0x1");
    }

    private static long block(JsonNode receipt) {
        return Hex.lng(receipt.get("blockNumber").asText());
    }

    private static Instant blockTime(AnvilNode anvil, long number) {
        JsonNode block = anvil.call("eth_getBlockByNumber", "0x" + Long.toHexString(number), false);
        return Instant.ofEpochSecond(Hex.lng(block.get("timestamp").asText()));
    }

    private static JsonNode transferToken(
            DevChain chain, Credentials from, String token, String to, BigInteger amount) {
        return chain.sendAndWait(
                from, token, BigInteger.ZERO, DevChain.call("transfer", addr(to), uint(amount)), 100_000);
    }

    /** Sends the wallet's whole ETH balance less the fee. */
    private static JsonNode sweepEth(DevChain chain, AnvilNode anvil, Credentials from, String to) {
        BigInteger balance =
                Hex.big(anvil.call("eth_getBalance", address(from), "latest").asText());
        BigInteger fee = DevChain.GAS_PRICE.multiply(BigInteger.valueOf(21_000));
        return chain.transferEth(from, to, balance.subtract(fee));
    }

    private static void signed(
            KafkaProducer<byte[], byte[]> producer, Topics topics, JsonNode receipt, String from, String reference) {
        String hash = Hex.lower(receipt.get("transactionHash").asText());
        send(
                producer,
                TopicCatalogue.of(topics).signedTx(),
                SignedTransaction.newBuilder()
                        .setChainId(CHAIN)
                        .setTxHash(hash)
                        .setFrom(from)
                        .setSignedAt(Instant.now())
                        .setReference(reference)
                        .build());
    }

    private static WatchedWallet watched(String address, String group) {
        return WatchedWallet.newBuilder()
                .setChainId(CHAIN)
                .setAddress(address)
                .setCustodyGroup(group)
                .build();
    }

    private static AllowedCounterparty allowed(String address, String group) {
        return AllowedCounterparty.newBuilder()
                .setChainId(CHAIN)
                .setAddress(address)
                .setCustodyGroup(group)
                .setKind(group.equals("*") ? CounterpartyKind.OWN_HOT : CounterpartyKind.OTHER)
                .build();
    }

    private static TokenPrice price(String asset, double usd, int decimals) {
        return TokenPrice.newBuilder()
                .setChainId(CHAIN)
                .setAsset(asset)
                .setUsdPrice(usd)
                .setDecimals(decimals)
                .setUpdatedAt(Instant.now())
                .build();
    }

    private static <V extends SpecificRecord> void send(
            KafkaProducer<byte[], byte[]> producer, Topic<V> topic, V value) {
        ProducerRecord<String, byte[]> record = topic.record(value);
        try {
            producer.send(new ProducerRecord<>(
                            record.topic(), record.key().getBytes(StandardCharsets.UTF_8), record.value()))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic.name(), e);
        }
    }

    private static <V extends SpecificRecord> List<V> readAll(String topic, Class<V> type) {
        AvroSerde<V> serde = AvroSerde.of(type);
        return KAFKA.readCommitted(topic).stream()
                .map(r -> serde.decode(r.value()))
                .toList();
    }
}
