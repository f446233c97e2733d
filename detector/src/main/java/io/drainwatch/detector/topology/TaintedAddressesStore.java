package io.drainwatch.detector.topology;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.detector.rules.Taint;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.state.StoreBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Addresses that received drained funds, as a global store filled from the alerts topic: every instance
 * sees every taint, whichever instance raised the drain. The filter asks it, without allocating, whether a
 * transfer's sender is tainted (so the pre-filter lets it through); the funds-exit stage reads the details.
 * Rebuilt from the alerts topic on start; a taint expires {@code rules.funds-exit.taint-ttl} of block time
 * after the drain's latest evidence.
 */
public final class TaintedAddressesStore extends TopicBackedStore {
    public static final String NAME = "tainted-addresses";
    private static final int VICTIMS = 5;
    private static final int TXS = 5;
    private static final int PURGE_EVERY = 1024;

    private final DetectorConfig config;
    private final AvroSerde<DrainAlert> serde = AvroSerde.of(DrainAlert.class);
    /** Expiry in minutes of block time since the epoch, per address: what the filter reads. */
    private final AddressTable table = new AddressTable();

    private final Map<String, Taint> details = new ConcurrentHashMap<>();
    private volatile boolean any;
    private long newest;
    private int applied;

    TaintedAddressesStore(DetectorConfig config) {
        super(NAME);
        this.config = config;
    }

    /**
     * Applies one record of the alerts topic while the store is rebuilt from it at start. A record this
     * version cannot read taints nothing; {@link TaintedAddressesUpdater} sent it to the dead-letter topic
     * when it first arrived.
     */
    @Override
    void apply(byte @Nullable [] key, byte @Nullable [] value) {
        if (value == null) {
            return;
        }
        DrainAlert alert;
        try {
            alert = serde.decode(value);
        } catch (SerializationException | org.apache.avro.AvroRuntimeException e) {
            return;
        }
        apply(alert);
    }

    /**
     * Applies one alert: a drain alert taints its destination, a retraction takes it back. An alert of a
     * rule this version does not know (written by a newer one) taints nothing.
     */
    void apply(DrainAlert alert) {
        RuleId rule;
        try {
            rule = RuleId.fromId(alert.getRule());
        } catch (IllegalArgumentException e) {
            return;
        }
        String destination = alert.getDestination();
        if (!rule.taintsDestination() || destination == null) {
            return;
        }
        String k = key(alert.getChainId(), destination);
        if (alert.getStatus() == AlertStatus.RETRACTED) {
            Taint taint = details.get(k);
            if (taint != null && taint.sourceAlertId().equals(alert.getAlertId())) {
                details.remove(k);
                table.remove(alert.getChainId(), destination);
            }
            return;
        }
        if (alert.getStatus() == AlertStatus.RESOLVED) {
            return; // the taint outlives the alert
        }
        long time = alert.getLastEvidenceTime().toEpochMilli();
        long expires = time + config.rules(alert.getCustodyGroup()).taintTtl().toMillis();
        Taint previous = details.get(k);
        if (previous != null && previous.expiresAt() > expires) {
            return;
        }
        List<String> victims = alert.getWallets().stream().limit(VICTIMS).toList();
        List<String> txs = alert.getTxHashes();
        Taint taint = new Taint(
                destination,
                alert.getChainId(),
                alert.getCustodyGroup(),
                victims,
                alert.getRule(),
                alert.getAlertId(),
                List.copyOf(txs.subList(Math.max(0, txs.size() - TXS), txs.size())),
                alert.getLastBlock(),
                time,
                expires);
        details.put(k, taint);
        any = true;
        table.put(alert.getChainId(), destination, (int) Math.min(Integer.MAX_VALUE, expires / 60_000 + 1));
        newest = Math.max(newest, time);
        if (++applied % PURGE_EVERY == 0) {
            purgeExpired();
        }
    }

    private void purgeExpired() {
        List<Taint> expired = new ArrayList<>();
        details.values().forEach(t -> {
            if (t.expiresAt() < newest) {
                expired.add(t);
            }
        });
        for (Taint t : expired) {
            details.remove(key(t.chainId(), t.address()));
            table.remove(t.chainId(), t.address());
        }
    }

    /** Whether the address whose 40 hex digits start at {@code hexOffset} of {@code buf} is tainted on {@code chainId}. */
    boolean contains(long chainId, byte[] buf, int hexOffset) {
        return table.get(chainId, buf, hexOffset) >= 0;
    }

    /** As {@link #contains(long, byte[], int)}, for an address of a batch the watched wallets have answered. */
    boolean contains(AddressTable.Batch batch, int index) {
        return table.get(batch, index) >= 0;
    }

    /** Whether no address was ever tainted: the filter's fast path. */
    boolean isEmpty() {
        return !any;
    }

    /** The taint of {@code address}, if it received drained funds. */
    public Optional<Taint> taint(long chainId, String address) {
        return Optional.ofNullable(details.get(key(chainId, address)));
    }

    private static String key(long chainId, String address) {
        return Keys.address(chainId, address);
    }

    /** Builds the store for {@code StreamsBuilder.addGlobalStore}; {@code onBuild} receives each store built. */
    static StoreBuilder<TaintedAddressesStore> builder(
            DetectorConfig config, java.util.function.Consumer<TaintedAddressesStore> onBuild) {
        return builder(NAME, "alerts", () -> new TaintedAddressesStore(config), onBuild);
    }
}
