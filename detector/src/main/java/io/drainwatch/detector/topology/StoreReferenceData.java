package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Price;
import io.drainwatch.detector.rules.ReferenceData;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.SignedTransaction;
import io.drainwatch.schemas.TokenPrice;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jspecify.annotations.Nullable;

/** {@link ReferenceData} read from the detector's global stores. */
final class StoreReferenceData implements ReferenceData {
    static final String LABELS = "labels";
    static final String ALLOWLIST = "allowlist";
    static final String PRICES = "prices";
    /** Persistent (the signer log grows without bound); renamed when its values stopped being timestamped. */
    static final String SIGNED_TX = "signed-tx-v2";

    static final String HEADS = "heads";

    private final WatchedWalletsStore watched;
    private final ReadOnlyKeyValueStore<String, ?> labels;
    private final ReadOnlyKeyValueStore<String, ?> allowlist;
    private final ReadOnlyKeyValueStore<String, ?> prices;
    private final ReadOnlyKeyValueStore<String, ?> signed;
    private final ReadOnlyKeyValueStore<String, ?> heads;

    StoreReferenceData(ProcessingContext context) {
        this.watched = context.getStateStore(WatchedWalletsStore.NAME);
        this.labels = context.getStateStore(LABELS);
        this.allowlist = context.getStateStore(ALLOWLIST);
        this.prices = context.getStateStore(PRICES);
        this.signed = context.getStateStore(SIGNED_TX);
        this.heads = context.getStateStore(HEADS);
    }

    @Override
    public Optional<CounterpartyKind> allowed(long chainId, String address, String custodyGroup) {
        AllowedCounterparty entry =
                get(allowlist, Keys.allowed(chainId, address, custodyGroup), AllowedCounterparty.class);
        if (entry == null) {
            entry = get(allowlist, Keys.allowed(chainId, address, Keys.EVERY_GROUP), AllowedCounterparty.class);
        }
        return Optional.ofNullable(entry).map(AllowedCounterparty::getKind);
    }

    @Override
    public Optional<LabelCategory> label(long chainId, String address) {
        AddressLabel label = get(labels, Keys.address(chainId, address), AddressLabel.class);
        if (label == null) {
            label = get(labels, Keys.everyChain(address), AddressLabel.class);
        }
        return Optional.ofNullable(label).map(AddressLabel::getCategory);
    }

    @Override
    public Optional<Price> price(long chainId, String asset) {
        TokenPrice price = get(prices, Keys.price(chainId, asset), TokenPrice.class);
        return Optional.ofNullable(price).map(p -> new Price(p.getUsdPrice(), p.getDecimals()));
    }

    @Override
    public boolean signed(long chainId, String txHash) {
        return get(signed, Keys.signed(chainId, txHash), SignedTransaction.class) != null;
    }

    @Override
    public boolean watched(long chainId, String address) {
        return watched.group(chainId, address).isPresent();
    }

    /** The custody group of a watched wallet. */
    Optional<String> group(long chainId, String address) {
        return watched.group(chainId, address);
    }

    /** The newest block number the ingestor reported for {@code chainId}, if any. */
    Optional<Long> head(long chainId) {
        BlockHead head = get(heads, Long.toString(chainId), BlockHead.class);
        return Optional.ofNullable(head).map(BlockHead::getNumber);
    }

    private static <V> @Nullable V get(ReadOnlyKeyValueStore<String, ?> store, String key, Class<V> type) {
        Object value = store.get(key);
        return type.isInstance(value) ? type.cast(value) : null;
    }
}
