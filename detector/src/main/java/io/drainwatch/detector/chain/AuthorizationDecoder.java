package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.Undecodable;
import io.drainwatch.detector.chain.NodeData.Authorization;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.DelegationEvent;
import java.math.BigInteger;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.web3j.crypto.AuthorizationTuple;
import org.web3j.crypto.Sign;

/**
 * EIP-7702 authorisations of a transaction: each one this chain would apply is a delegation of its
 * signer's account (recovered from the signature) to the authorised code. Authorisations are applied
 * even when the transaction reverts, so they are decoded before the receipt's status is looked at.
 */
final class AuthorizationDecoder {
    private static final BigInteger SECP256K1_N = Sign.CURVE_PARAMS.getN();
    /** EIP-2: a signature with s above n/2 is invalid (its low-s twin is the valid one). */
    private static final BigInteger HALF_N = SECP256K1_N.shiftRight(1);
    /** EIP-7702 skips authorisations with nonce 2^64-1 and above. */
    private static final BigInteger NONCE_LIMIT = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);

    private AuthorizationDecoder() {}

    /** The delegations of {@code tx}; each authorisation is decoded on its own, a malformed one skipped and counted. */
    static void decode(BlockDecoding block, Transaction tx) {
        List<Authorization> auths = tx.authorizations();
        for (int i = 0; i < auths.size(); i++) {
            Authorization a = auths.get(i);
            if (a.chainId().signum() != 0 && !a.chainId().equals(BigInteger.valueOf(block.chainId))) {
                continue; // signed for another chain: the protocol skips it
            }
            int index = i;
            block.guarded(tx, Undecodable.AUTHORIZATION, "auth:" + i, () -> delegation(block, tx, a, index));
        }
    }

    private static void delegation(BlockDecoding block, Transaction tx, Authorization a, int index) {
        String invalid = invalid(a);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        String authority;
        try {
            authority = Hex.lower(Sign.recoverAuthorizationSigner(
                    new AuthorizationTuple(a.chainId(), a.address(), a.nonce(), a.yParity(), a.r(), a.s())));
        } catch (java.security.SignatureException e) {
            throw new IllegalArgumentException("authority not recoverable: " + e.getMessage(), e);
        }
        block.delegations.add(DelegationEvent.newBuilder()
                .setChainId(block.chainId)
                .setAuthority(authority)
                .setDelegate(a.address())
                .setAuthorizationNonce(a.nonce().longValueExact())
                .setEventId(block.id(tx.hash(), "auth:" + index))
                .setTxHash(tx.hash())
                .setTxFrom(tx.from())
                .setBlockNumber(block.block.number())
                .setBlockHash(block.block.hash())
                .setBlockTime(block.time)
                .setRemoved(false)
                .build());
    }

    /**
     * Why the protocol skips {@code a} without looking at state (EIP-7702 nonce bound, EIP-2 signature
     * bounds), or null. A nonce of 2^63 or more is skipped too: no account can reach it, and it does not
     * fit the event's nonce field.
     */
    private static @Nullable String invalid(Authorization a) {
        if (a.nonce().signum() < 0 || a.nonce().compareTo(NONCE_LIMIT) >= 0) {
            return "nonce " + a.nonce() + " is not below 2^64-1";
        }
        if (a.nonce().bitLength() > 63) {
            return "nonce " + a.nonce() + " is beyond any account's reach";
        }
        if (a.yParity().signum() < 0 || a.yParity().compareTo(BigInteger.ONE) > 0) {
            return "y_parity " + a.yParity() + " is neither 0 nor 1";
        }
        if (a.r().signum() <= 0 || a.r().compareTo(SECP256K1_N) >= 0) {
            return "r is outside 1..n-1";
        }
        if (a.s().signum() <= 0 || a.s().compareTo(HALF_N) > 0) {
            return "s is outside 1..n/2";
        }
        return null;
    }
}
