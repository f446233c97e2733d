package io.drainwatch.detector.topic;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.SignedTransaction;
import io.drainwatch.schemas.TokenPrice;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic drainwatch writes or reads, typed, under the names of a {@link Topics} (the defaults or
 * the operator's {@code topic.<role>} overrides). The dead-letter topic is the one not here: it holds
 * the bytes of records that could not be read, whatever their type, under their original key.
 */
public final class TopicCatalogue {
    private final Topic<TransferEvent> transfers;
    private final Topic<ApprovalEvent> approvals;
    private final Topic<DelegationEvent> delegations;
    private final Topic<BalanceSnapshot> balances;
    private final Topic<BlockHead> heads;
    private final Topic<WatchedWallet> wallets;
    private final Topic<AddressLabel> labels;
    private final Topic<AllowedCounterparty> allowlist;
    private final Topic<TokenPrice> prices;
    private final Topic<SignedTransaction> signedTx;
    private final Topic<DrainAlert> alerts;
    private final Topic<DrainIncident> incidents;
    private final String deadLetter;
    private final Topics names;

    private TopicCatalogue(Topics t) {
        names = t;
        transfers = new Topic<>(
                t.transfers(),
                TransferEvent.class,
                false,
                "chainId:from (the sending wallet)",
                e -> Keys.address(e.getChainId(), e.getFrom()));
        approvals = new Topic<>(
                t.approvals(),
                ApprovalEvent.class,
                false,
                "chainId:owner",
                e -> Keys.address(e.getChainId(), e.getOwner()));
        delegations = new Topic<>(
                t.delegations(),
                DelegationEvent.class,
                false,
                "chainId:authority",
                e -> Keys.address(e.getChainId(), e.getAuthority()));
        balances = new Topic<>(
                t.balances(),
                BalanceSnapshot.class,
                false,
                "chainId:wallet",
                e -> Keys.address(e.getChainId(), e.getWallet()));
        heads = new Topic<>(t.heads(), BlockHead.class, false, "chainId", e -> Keys.chain(e.getChainId()));
        wallets = new Topic<>(
                t.wallets(),
                WatchedWallet.class,
                true,
                "chainId:address",
                e -> Keys.address(e.getChainId(), e.getAddress()));
        labels = new Topic<>(
                t.labels(),
                AddressLabel.class,
                true,
                "chainId:address, or *:address on every chain",
                e -> e.getChainId() == null
                        ? Keys.everyChain(e.getAddress())
                        : Keys.address(e.getChainId(), e.getAddress()));
        allowlist = new Topic<>(
                t.allowlist(),
                AllowedCounterparty.class,
                true,
                "chainId:address/custodyGroup (* for every group)",
                e -> Keys.allowed(e.getChainId(), e.getAddress(), e.getCustodyGroup()));
        prices = new Topic<>(
                t.prices(), TokenPrice.class, true, "chainId:asset", e -> Keys.price(e.getChainId(), e.getAsset()));
        signedTx = new Topic<>(
                t.signedTx(),
                SignedTransaction.class,
                true,
                "chainId:txHash",
                e -> Keys.signed(e.getChainId(), e.getTxHash()));
        alerts = new Topic<>(t.alerts(), DrainAlert.class, false, "alertId", DrainAlert::getAlertId);
        incidents = new Topic<>(t.incidents(), DrainIncident.class, true, "incidentId", DrainIncident::getIncidentId);
        deadLetter = t.deadLetter();
    }

    /** The catalogue under {@code names}. */
    public static TopicCatalogue of(Topics names) {
        return new TopicCatalogue(names);
    }

    /** The catalogue under the default names. */
    public static TopicCatalogue defaults() {
        return of(Topics.defaults());
    }

    public Topic<TransferEvent> transfers() {
        return transfers;
    }

    public Topic<ApprovalEvent> approvals() {
        return approvals;
    }

    public Topic<DelegationEvent> delegations() {
        return delegations;
    }

    public Topic<BalanceSnapshot> balances() {
        return balances;
    }

    public Topic<BlockHead> heads() {
        return heads;
    }

    public Topic<WatchedWallet> wallets() {
        return wallets;
    }

    public Topic<AddressLabel> labels() {
        return labels;
    }

    public Topic<AllowedCounterparty> allowlist() {
        return allowlist;
    }

    public Topic<TokenPrice> prices() {
        return prices;
    }

    public Topic<SignedTransaction> signedTx() {
        return signedTx;
    }

    public Topic<DrainAlert> alerts() {
        return alerts;
    }

    public Topic<DrainIncident> incidents() {
        return incidents;
    }

    /** The names this catalogue was made under. */
    public Topics names() {
        return names;
    }

    /** The dead-letter topic's name: raw bytes under their original key, the reason in headers. */
    public String deadLetter() {
        return deadLetter;
    }

    /** Every typed topic, the chain events first, then the reference tables, then the outputs. */
    public List<Topic<?>> all() {
        return List.of(
                transfers,
                approvals,
                delegations,
                balances,
                heads,
                wallets,
                labels,
                allowlist,
                prices,
                signedTx,
                alerts,
                incidents);
    }

    /** The topic whose values are of {@code type}: each type has one topic. */
    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> Topic<V> of(Class<V> type) {
        Optional<Topic<?>> found =
                all().stream().filter(t -> t.type().equals(type)).findFirst();
        return (Topic<V>) found.orElseThrow(
                () -> new IllegalArgumentException("no drainwatch topic holds " + type.getSimpleName()));
    }
}
