package io.drainwatch.detector.chain;

import org.web3j.crypto.Hash;

/** The topic0 of each event the ingestor decodes: the keccak-256 hash of the event's canonical signature. */
final class EventTopics {
    /** ERC-20 {@code Transfer} (two indexed topics) and ERC-721 {@code Transfer} (three: the token id too). */
    static final String TRANSFER = topic("Transfer(address,address,uint256)");
    /** ERC-20 {@code Approval} (amount in data) and ERC-721 {@code Approval} (token id indexed). */
    static final String APPROVAL = topic("Approval(address,address,uint256)");
    /** ERC-721 and ERC-1155 {@code ApprovalForAll}. */
    static final String APPROVAL_FOR_ALL = topic("ApprovalForAll(address,address,bool)");
    /** ERC-1155 {@code TransferSingle}. */
    static final String TRANSFER_SINGLE = topic("TransferSingle(address,address,address,uint256,uint256)");
    /** ERC-1155 {@code TransferBatch}. */
    static final String TRANSFER_BATCH = topic("TransferBatch(address,address,address,uint256[],uint256[])");
    /** Permit2 {@code Approval(owner, token, spender, amount, expiration)}. */
    static final String PERMIT2_APPROVAL = topic("Approval(address,address,address,uint160,uint48)");
    /** Permit2 {@code Permit(owner, token, spender, amount, expiration, nonce)}. */
    static final String PERMIT2_PERMIT = topic("Permit(address,address,address,uint160,uint48,uint48)");

    private EventTopics() {}

    private static String topic(String signature) {
        return Hash.sha3String(signature);
    }
}
