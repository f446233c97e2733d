package io.drainwatch.detector.topic;

/**
 * The record keys of drainwatch's topics, built and parsed here and nowhere else. A key names what
 * the record is about on one chain, so every writer and reader of a topic agree on it, and so the
 * partitioning follows it: the chain events, balances and watched wallets are keyed by
 * {@code chainId:address}, which puts a wallet's events in one partition of every co-partitioned
 * topic.
 */
public final class Keys {
    /** The custody group of an allowlist entry that applies to every group. */
    public static final String EVERY_GROUP = "*";
    /** The chain of a label that applies on every chain. */
    public static final String EVERY_CHAIN = "*";

    private Keys() {}

    /** {@code chainId:address}: a wallet's chain events and balances, a watched wallet, a label on one chain. */
    public static String address(long chainId, String address) {
        return chainId + ":" + address;
    }

    /** {@code *:address}: a label that applies on every chain. */
    public static String everyChain(String address) {
        return EVERY_CHAIN + ":" + address;
    }

    /** {@code chainId:address/group}: an allowlisted counterparty of one custody group, or {@code *} for all. */
    public static String allowed(long chainId, String address, String custodyGroup) {
        return address(chainId, address) + "/" + custodyGroup;
    }

    /** {@code chainId:asset}: a token price ({@code native} for the chain's coin). */
    public static String price(long chainId, String asset) {
        return chainId + ":" + asset;
    }

    /** {@code chainId:txHash}: a transaction the custodian's signer signed. */
    public static String signed(long chainId, String txHash) {
        return chainId + ":" + txHash;
    }

    /** {@code chainId}: a chain's block heads (one partition per chain, in order). */
    public static String chain(long chainId) {
        return Long.toString(chainId);
    }

    /** The chain of a {@code chainId:...} key. */
    public static long chainOf(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a chainId:... key: '" + key + "'");
        }
        return Long.parseLong(key.substring(0, colon));
    }

    /** What follows the chain of a {@code chainId:...} key (the address of an address key). */
    public static String subjectOf(String key) {
        int colon = key.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a chainId:... key: '" + key + "'");
        }
        return key.substring(colon + 1);
    }
}
