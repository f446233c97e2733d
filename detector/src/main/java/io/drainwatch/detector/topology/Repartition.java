package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Payment;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The detector's repartition topics, each named once with the serde of its values (their keys are
 * strings: a wallet, a destination, a funder or a custody group, see {@code docs/architecture.md}).
 * Kafka Streams prefixes the names with the application id and suffixes {@code -repartition}.
 */
record Repartition<V>(String name, Serde<V> values) {
    /** Watched wallets' transfers, keyed by the wallet. */
    static final Repartition<WalletEvent> WALLET_EVENTS =
            new Repartition<>("wallet-events", new WalletEvent.WalletEventSerde());
    /** Balance snapshots, keyed by the wallet, apart from the transfers so they never wait on each other. */
    static final Repartition<WalletEvent> WALLET_BALANCES =
            new Repartition<>("wallet-balances", new WalletEvent.WalletEventSerde());
    /** Approvals and delegations of watched wallets, keyed by the wallet. */
    static final Repartition<WalletEvent> WALLET_GRANTS =
            new Repartition<>("wallet-grant-events", new WalletEvent.WalletEventSerde());
    /** Outflows of watched wallets, keyed by their destination. */
    static final Repartition<Payment> DESTINATION_PAYMENTS =
            new Repartition<>("destination-payments", JsonSerde.of(Payment.class));
    /** Drains and incident changes, keyed by custody group. */
    static final Repartition<FleetSignal> FLEET_SIGNALS =
            new Repartition<>("fleet-signals", JsonSerde.of(FleetSignal.class));

    /** How {@code KStream.repartition} writes and reads this topic. */
    Repartitioned<String, V> spec() {
        return Repartitioned.<String, V>as(name).withKeySerde(Serdes.String()).withValueSerde(values);
    }
}
