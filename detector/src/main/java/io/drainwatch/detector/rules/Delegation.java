package io.drainwatch.detector.rules;

/**
 * An EIP-7702 authorisation as the rules see it: from the block it is included in ({@code at}) on, calls to
 * {@code authority} run {@code delegate}'s code. A delegate of the zero address clears it.
 */
public record Delegation(long chainId, String authority, String delegate, long authorizationNonce, Inclusion at) {

    public static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

    /** Whether this authorisation clears the account's delegation. */
    public boolean clears() {
        return ZERO_ADDRESS.equals(delegate);
    }
}
