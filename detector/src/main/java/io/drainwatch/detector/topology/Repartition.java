package io.drainwatch.detector.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.jspecify.annotations.Nullable;

/**
 * The detector's repartition topics, each named once with the serde of its values (their keys are
 * strings: a wallet, a destination, a funder or a custody group, see {@code docs/architecture.md}).
 * Kafka Streams prefixes the names with the application id and suffixes {@code -repartition}.
 */
record Repartition<V>(
        String name, Serde<V> values, @Nullable StreamPartitioner<String, V> partitioner) {
    /** Watched wallets' transfers, keyed by the wallet, and the filter's ticks, in every partition. */
    static final Repartition<WalletEvent> WALLET_EVENTS = new Repartition<>(
            "wallet-events",
            new WalletEvent.WalletEventSerde(),
            new TickMulticast<>(v -> v instanceof WalletEvent.Tick));
    /** Balance snapshots, keyed by the wallet, apart from the transfers so they never wait on each other. */
    static final Repartition<WalletEvent> WALLET_BALANCES =
            new Repartition<>("wallet-balances", new WalletEvent.WalletEventSerde());
    /** Approvals and delegations of watched wallets, keyed by the wallet. */
    static final Repartition<WalletEvent> WALLET_GRANTS =
            new Repartition<>("wallet-grant-events", new WalletEvent.WalletEventSerde());
    /** Outflows of watched wallets, keyed by their destination, and the wallet stage's ticks, in every partition. */
    static final Repartition<DestinationEvent> DESTINATION_PAYMENTS = new Repartition<>(
            "destination-payments",
            new DestinationEvent.DestinationEventSerde(),
            new TickMulticast<>(v -> v instanceof DestinationEvent.Tick));
    /** Drains and incident changes, keyed by custody group, and the destination stage's ticks, in every partition. */
    static final Repartition<FleetSignal> FLEET_SIGNALS = new Repartition<>(
            "fleet-signals", JsonSerde.of(FleetSignal.class), new TickMulticast<>(v -> v.tick() != null));

    /** A topic partitioned by its key alone. */
    Repartition(String name, Serde<V> values) {
        this(name, values, null);
    }

    /** How {@code KStream.repartition} writes and reads this topic. */
    Repartitioned<String, V> spec() {
        Repartitioned<String, V> spec =
                Repartitioned.<String, V>as(name).withKeySerde(Serdes.String()).withValueSerde(values);
        return partitioner == null ? spec : spec.withStreamPartitioner(partitioner);
    }
}
