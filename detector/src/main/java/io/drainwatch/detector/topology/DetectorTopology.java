package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.Activity;
import io.drainwatch.detector.rules.CommonFunderRule;
import io.drainwatch.detector.rules.FleetState;
import io.drainwatch.detector.rules.Grants;
import io.drainwatch.detector.rules.WalletState;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The detector's Kafka Streams wiring: filter, per wallet, per destination and per funder, fleet. Every processor,
 * store and internal topic is named, so the topology can evolve without orphaning state.
 */
public final class DetectorTopology {
    private static final Serde<String> STRING = Serdes.String();
    private static final Serde<byte[]> BYTES = Serdes.ByteArray();

    private DetectorTopology() {}

    /** The Kafka Streams properties: the operator's {@code kafka.*} settings plus the ones drainwatch owns. */
    public static Properties streamsProperties(DetectorConfig config, DetectorMetrics metrics) {
        Properties props = new Properties();
        props.putAll(config.kafka());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
                config.topics().deadLetter());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Deserialization.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Processing.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(DeadLetters.METRICS, metrics);
        return props;
    }

    /** Builds the topology; {@code onWatchedStore} receives the watched-wallets store when Streams creates it. */
    public static Topology build(
            DetectorConfig config, DetectorMetrics metrics, Consumer<WatchedWalletsStore> onWatchedStore) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicCatalogue topics = TopicCatalogue.of(config.topics());
        ExplorerLinks links = links(config);

        // The pre-filter holds only the watched-wallets store: it reaches the taint set through it.
        AtomicReference<WatchedWalletsStore> watchedStore = new AtomicReference<>();
        AtomicReference<TaintedAddressesStore> taintedStore = new AtomicReference<>();
        Runnable link = () -> {
            WatchedWalletsStore w = watchedStore.get();
            TaintedAddressesStore t = taintedStore.get();
            if (w != null && t != null) {
                w.linkTainted(t);
            }
        };
        builder.addGlobalStore(
                WatchedWalletsStore.builder(store -> {
                    watchedStore.set(store);
                    link.run();
                    onWatchedStore.accept(store);
                }),
                topics.wallets().name(),
                Consumed.with(BYTES, BYTES).withName("wallets-source"),
                WatchedWalletsUpdater::new);
        builder.addGlobalStore(
                TaintedAddressesStore.builder(config, store -> {
                    taintedStore.set(store);
                    link.run();
                }),
                topics.alerts().name(),
                Consumed.with(BYTES, BYTES).withName("tainted-addresses-source"),
                () -> new TaintedAddressesUpdater(topics.alerts()));
        referenceTable(builder, topics.labels(), StoreReferenceData.LABELS, false);
        referenceTable(builder, topics.allowlist(), StoreReferenceData.ALLOWLIST, false);
        referenceTable(builder, topics.prices(), StoreReferenceData.PRICES, false);
        referenceTable(builder, topics.heads(), StoreReferenceData.HEADS, false);
        referenceTable(builder, topics.signedTx(), StoreReferenceData.SIGNED_TX, true);

        builder.addStateStore(store(WalletProcessor.STATE, WalletState.class));
        builder.addStateStore(store(WalletProcessor.ALERTS, OpenAlert.class));
        builder.addStateStore(store(WalletProcessor.PENDING, WalletProcessor.Pending.class));
        builder.addStateStore(store(WalletProcessor.GRANTS, Grants.class));
        builder.addStateStore(store(WalletProcessor.ACTIVITY, Activity.class));
        // The gate's stores change with every tick: a cache writes their changelogs once per commit.
        builder.addStateStore(
                store(WalletProcessor.WATERMARKS, SourceWatermark.class).withCachingEnabled());
        builder.addStateStore(store(WalletProcessor.HELD, HeldWalletEvent.class).withCachingEnabled());
        builder.addStateStore(store(DestinationProcessor.STATE, DestinationProcessor.Entry.class));
        builder.addStateStore(store(DestinationProcessor.ALERTS, OpenAlert.class));
        builder.addStateStore(
                store(DestinationProcessor.WATERMARKS, SourceWatermark.class).withCachingEnabled());
        builder.addStateStore(store(DestinationProcessor.HELD, DestinationProcessor.Held.class)
                .withCachingEnabled());
        builder.addStateStore(store(FunderProcessor.STATE, CommonFunderRule.FunderState.class));
        builder.addStateStore(store(FunderProcessor.ALERTS, OpenAlert.class));
        builder.addStateStore(store(FundsExitProcessor.ALERTS, OpenAlert.class));
        builder.addStateStore(store(FleetProcessor.STATE, FleetState.class));
        builder.addStateStore(store(FleetProcessor.MEMBERS, FleetState.DrainedWallet.class));
        builder.addStateStore(store(FleetProcessor.LOW_ALERTS, FleetProcessor.LowAlert.class));
        builder.addStateStore(
                store(FleetProcessor.WATERMARKS, SourceWatermark.class).withCachingEnabled());
        builder.addStateStore(store(FleetProcessor.HELD, HeldFleetSignal.class).withCachingEnabled());

        // 1. Filter: only the custodian's traffic goes on, keyed by the watched wallet, and payments by
        // addresses that received drained funds, keyed by that address (the topic's own key).
        Map<String, KStream<String, WalletEvent>> filtered = builder.stream(
                        topics.transfers().name(), Consumed.with(BYTES, BYTES).withName("transfers-source"))
                .process(() -> new FilterProcessor(topics.transfers(), metrics), Named.as("filter-watched"))
                .split(Named.as("filtered-"))
                .branch((k, v) -> v instanceof WalletEvent.Hop, Branched.as("hops"))
                .branch((k, v) -> v instanceof WalletEvent.Topup, Branched.as("topups"))
                .defaultBranch(Branched.as("wallet-events"));
        KStream<String, WalletEvent> watched = branch(filtered, "filtered-wallet-events");

        // 3c. Funds exit: tainted addresses paying a mixer, bridge or exchange.
        KStream<String, StageOutput> exits = branch(filtered, "filtered-hops")
                .process(
                        () -> new FundsExitProcessor(config, links, metrics),
                        Named.as("funds-exit-rules"),
                        FundsExitProcessor.ALERTS);
        alertsTo(exits, topics, "funds-exit");
        // Balances are repartitioned on their own: sharing a task with the transfers would make every
        // transfer wait on the (mostly empty) balances partition.
        KStream<String, WalletEvent> balances = builder.stream(
                        topics.balances().name(),
                        Consumed.with(STRING, topics.balances().serde()).withName("balances-source"))
                .mapValues(
                        snapshot -> (WalletEvent) new WalletEvent.Balance(snapshot),
                        Named.as("balances-as-wallet-events"))
                .repartition(Repartition.WALLET_BALANCES.spec());

        // Approvals and delegations of watched wallets, repartitioned on their own like the balances.
        KStream<String, WalletEvent> grants = builder.stream(
                        topics.approvals().name(), Consumed.with(BYTES, BYTES).withName("approvals-source"))
                .process(
                        () -> GrantFilterProcessor.approvals(topics.approvals(), metrics), Named.as("filter-approvals"))
                .merge(
                        builder.stream(
                                        topics.delegations().name(),
                                        Consumed.with(BYTES, BYTES).withName("delegations-source"))
                                .process(
                                        () -> GrantFilterProcessor.delegations(topics.delegations(), metrics),
                                        Named.as("filter-delegations")),
                        Named.as("merge-grants"))
                .repartition(Repartition.WALLET_GRANTS.spec());

        // 2. Per wallet.
        Map<String, KStream<String, StageOutput>> fromWallets = watched.repartition(Repartition.WALLET_EVENTS.spec())
                .merge(balances, Named.as("merge-wallet-events"))
                .merge(grants, Named.as("merge-wallet-grant-events"))
                .process(
                        () -> new WalletProcessor(config, links, metrics),
                        Named.as("wallet-rules"),
                        WalletProcessor.STATE,
                        WalletProcessor.ALERTS,
                        WalletProcessor.PENDING,
                        WalletProcessor.GRANTS,
                        WalletProcessor.ACTIVITY,
                        WalletProcessor.WATERMARKS,
                        WalletProcessor.HELD)
                .split(Named.as("wallet-"))
                .branch((k, v) -> v instanceof StageOutput.Alert, Branched.as("alerts"))
                .branch(
                        (k, v) -> v instanceof StageOutput.Pay || v instanceof StageOutput.Tick,
                        Branched.as("payments"))
                .defaultBranch(Branched.as("fleet"));
        alertsTo(branch(fromWallets, "wallet-alerts"), topics, "wallet");

        // 3. Per destination, in block order: the wallet stage's ticks (in every partition) open the gate.
        Map<String, KStream<String, StageOutput>> fromDestinations = branch(fromWallets, "wallet-payments")
                .mapValues(DetectorTopology::toDestination, Named.as("wallet-payment-values"))
                .repartition(Repartition.DESTINATION_PAYMENTS.spec())
                .process(
                        () -> new DestinationProcessor(config, links, metrics),
                        Named.as("destination-rules"),
                        DestinationProcessor.STATE,
                        DestinationProcessor.ALERTS,
                        DestinationProcessor.WATERMARKS,
                        DestinationProcessor.HELD)
                .split(Named.as("destination-"))
                .branch((k, v) -> v instanceof StageOutput.Alert, Branched.as("alerts"))
                .defaultBranch(Branched.as("fleet"));
        alertsTo(branch(fromDestinations, "destination-alerts"), topics, "destination");

        // 3b. Per funder: native coin paid into watched wallets, keyed by who paid it (the transfers
        // topic's own key, so no repartition: one funder's top-ups arrive in chain order).
        KStream<String, StageOutput> fromFunders = branch(filtered, "filtered-topups")
                .process(
                        () -> new FunderProcessor(config, links, metrics),
                        Named.as("funder-rules"),
                        FunderProcessor.STATE,
                        FunderProcessor.ALERTS);
        alertsTo(fromFunders, topics, "funder");

        // 4. Fleet.
        Map<String, KStream<String, StageOutput>> fromFleet = branch(fromWallets, "wallet-fleet")
                .merge(branch(fromDestinations, "destination-fleet"), Named.as("merge-fleet-signals"))
                .mapValues(v -> ((StageOutput.Fleet) v).signal(), Named.as("fleet-signal-values"))
                .repartition(Repartition.FLEET_SIGNALS.spec())
                .process(
                        () -> new FleetProcessor(config, links, metrics),
                        Named.as("fleet-rules"),
                        FleetProcessor.STATE,
                        FleetProcessor.MEMBERS,
                        FleetProcessor.LOW_ALERTS,
                        FleetProcessor.WATERMARKS,
                        FleetProcessor.HELD)
                .split(Named.as("fleet-"))
                .branch((k, v) -> v instanceof StageOutput.Alert, Branched.as("alerts"))
                .defaultBranch(Branched.as("incidents"));
        alertsTo(branch(fromFleet, "fleet-alerts"), topics, "fleet");
        branch(fromFleet, "fleet-incidents")
                .mapValues(v -> ((StageOutput.Incident) v).incident(), Named.as("fleet-incident-values"))
                .to(
                        topics.incidents().name(),
                        Produced.with(STRING, topics.incidents().serde()).withName("incidents-sink"));

        return builder.build();
    }

    private static DestinationEvent toDestination(StageOutput out) {
        return switch (out) {
            case StageOutput.Pay p -> new DestinationEvent.Pay(p.payment());
            case StageOutput.Tick t -> new DestinationEvent.Tick(t.tick());
            default -> throw new IllegalArgumentException("not for the destination stage: " + out);
        };
    }

    private static void alertsTo(KStream<String, StageOutput> alerts, TopicCatalogue topics, String stage) {
        alerts.mapValues(v -> ((StageOutput.Alert) v).alert(), Named.as(stage + "-alert-values"))
                .to(
                        topics.alerts().name(),
                        Produced.with(STRING, topics.alerts().serde()).withName(stage + "-alerts-sink"));
    }

    private static <V extends SpecificRecord> void referenceTable(
            StreamsBuilder builder, Topic<V> topic, String store, boolean persistent) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                persistent
                                        ? Stores.persistentKeyValueStore(store)
                                        : Stores.inMemoryKeyValueStore(store),
                                STRING,
                                topic.serde())
                        .withLoggingDisabled(),
                topic.name(),
                Consumed.with(STRING, BYTES).withName(store + "-source"),
                () -> new ReferenceTableUpdater<>(store, topic));
    }

    private static <V> org.apache.kafka.streams.state.StoreBuilder<KeyValueStore<String, V>> store(
            String name, Class<V> type) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), STRING, JsonSerde.of(type));
    }

    static ExplorerLinks links(DetectorConfig config) {
        return new ExplorerLinks() {
            @Override
            public Optional<String> tx(long chainId, String txHash) {
                return config.txLink(chainId, txHash);
            }

            @Override
            public Optional<String> address(long chainId, String address) {
                return config.addressLink(chainId, address);
            }
        };
    }

    /** A named branch of a split; every name used here is one the split defines. */
    private static <V> KStream<String, V> branch(Map<String, KStream<String, V>> branches, String name) {
        return java.util.Objects.requireNonNull(branches.get(name), () -> "no branch " + name);
    }
}
