package io.drainwatch.detector.topology;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.state.StoreBuilder;
import org.jspecify.annotations.Nullable;

/**
 * The watched wallets and their custody groups, held in memory as a global store filled from the
 * compacted wallets topic, with a snapshot in the state folder so that a restart replays only the
 * changes since (see {@link TopicBackedStore}). About 30 bytes per wallet; a lookup allocates nothing.
 */
public final class WatchedWalletsStore extends TopicBackedStore {
    public static final String NAME = "watched-wallets";

    private final AvroSerde<WatchedWallet> serde = AvroSerde.of(WatchedWallet.class);
    private final AddressTable table = new AddressTable();
    private final List<String> groups = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> groupIndex = new ConcurrentHashMap<>();
    private volatile @Nullable TaintedAddressesStore tainted;

    public WatchedWalletsStore() {
        super(NAME);
    }

    /** Applies one record of the wallets topic: a wallet to watch, or a tombstone to stop watching. */
    @Override
    void apply(byte @Nullable [] key, byte @Nullable [] value) {
        if (value == null) {
            if (key != null) {
                String k = new String(key, StandardCharsets.UTF_8);
                try {
                    table.remove(Keys.chainOf(k), Keys.subjectOf(k));
                } catch (IllegalArgumentException e) {
                    // not a wallet key; nothing was stored under it
                }
            }
            return;
        }
        WatchedWallet wallet = serde.decode(value);
        int group = groupIndex.computeIfAbsent(wallet.getCustodyGroup(), g -> {
            groups.add(g);
            return groups.size() - 1;
        });
        table.put(wallet.getChainId(), wallet.getAddress(), group);
    }

    @Override
    boolean snapshots() {
        return true;
    }

    @Override
    void clear() {
        table.clear();
        groups.clear();
        groupIndex.clear();
    }

    @Override
    void writeSnapshot(DataOutputStream out) throws IOException {
        List<String> named = List.copyOf(groups);
        out.writeInt(named.size());
        for (String g : named) {
            out.writeUTF(g);
        }
        table.writeTo(out);
    }

    @Override
    void readSnapshot(DataInputStream in) throws IOException {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            String g = in.readUTF();
            groupIndex.put(g, groups.size());
            groups.add(g);
        }
        table.readFrom(in);
    }

    /** Whether the address whose 40 hex digits start at {@code hexOffset} of {@code buf} is watched on {@code chainId}. */
    public boolean contains(long chainId, byte[] buf, int hexOffset) {
        return table.get(chainId, buf, hexOffset) >= 0;
    }

    /**
     * Links the tainted-addresses store of the same instance, so the filter (and the consumer's pre-filter,
     * which holds only this store) also keeps transfers sent by addresses that received drained funds.
     */
    void linkTainted(TaintedAddressesStore store) {
        this.tainted = store;
    }

    /** Whether the address whose 40 hex digits start at {@code hexOffset} of {@code buf} received drained funds. */
    boolean tainted(long chainId, byte[] buf, int hexOffset) {
        TaintedAddressesStore t = tainted;
        return t != null && !t.isEmpty() && t.contains(chainId, buf, hexOffset);
    }

    /**
     * As {@link #tainted(long, byte[], int)}, for the address added at {@code index} of a batch that
     * {@link #containsAll} has answered (its digits are decoded already).
     */
    boolean tainted(AddressTable.Batch batch, int index) {
        TaintedAddressesStore t = tainted;
        return t != null && !t.isEmpty() && t.contains(batch, index);
    }

    /** Whether any address is tainted (if not, no transfer needs the taint lookup). */
    boolean anyTainted() {
        TaintedAddressesStore t = tainted;
        return t != null && !t.isEmpty();
    }

    /** Answers a batch of lookups together; an address is watched when its value is not negative. */
    void containsAll(AddressTable.Batch batch) {
        table.getAll(batch);
    }

    /** The custody group of a watched wallet. */
    public Optional<String> group(long chainId, String address) {
        int index = table.get(chainId, address);
        return index < 0 ? Optional.empty() : Optional.of(groups.get(index));
    }

    /** The number of watched wallets. */
    public int size() {
        return table.size();
    }

    /**
     * Builds the store for {@code StreamsBuilder.addGlobalStore}; {@code onBuild} receives each store
     * built (for gauges). Global stores are never change-logged: their topic is their changelog.
     */
    public static StoreBuilder<WatchedWalletsStore> builder(java.util.function.Consumer<WatchedWalletsStore> onBuild) {
        return builder(NAME, "wallets", WatchedWalletsStore::new, onBuild);
    }
}
