package io.drainwatch.detector.rules;

import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.LabelCategory;
import java.util.Optional;

/** What the operator told drainwatch about addresses, assets and its own transactions. */
public interface ReferenceData {

    /** How {@code address} is allowlisted for {@code custodyGroup} (or for every group), if it is. */
    Optional<CounterpartyKind> allowed(long chainId, String address, String custodyGroup);

    /** The label of {@code address} on {@code chainId} (or on every chain), if any. */
    Optional<LabelCategory> label(long chainId, String address);

    /** The price of {@code asset} on {@code chainId}, if known. */
    Optional<Price> price(long chainId, String asset);

    /** Whether the custodian's signer authorised transaction {@code txHash}. */
    boolean signed(long chainId, String txHash);

    /** Whether {@code address} is one of the custodian's watched wallets. */
    boolean watched(long chainId, String address);

    /** The estimated USD value of a transfer, if its asset has a price. */
    default Optional<Double> usd(Transfer t) {
        return price(t.chainId(), t.asset()).map(p -> p.value(t.amount()));
    }

    /**
     * Whether paying {@code destination} is the custodian's own business: an allowlisted counterparty
     * of the group, another watched wallet, or an address labelled as the custodian's own.
     */
    default boolean isOwnOrAllowed(long chainId, String destination, String custodyGroup) {
        return allowed(chainId, destination, custodyGroup).isPresent()
                || watched(chainId, destination)
                || label(chainId, destination)
                        .filter(c -> c == LabelCategory.OWN)
                        .isPresent();
    }
}
