package io.drainwatch.detector.rules;

import io.drainwatch.schemas.ApprovalKind;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * A grant of spending rights as the rules see it: {@code owner} lets {@code spender} move {@code token}
 * ({@code amount} of it, or every token of the collection for ApprovalForAll).
 *
 * @param amount null for ApprovalForAll
 * @param approved false when the event revokes (amount 0 or ApprovalForAll false)
 * @param at where the chain included it; its submitter differs from the owner for permits
 */
public record Approval(
        long chainId,
        String owner,
        String spender,
        ApprovalKind kind,
        String token,
        @Nullable BigInteger amount,
        boolean approved,
        Inclusion at) {

    /** The largest ERC-20 allowance, which wallets and dapps use for "unlimited". */
    public static final BigInteger MAX_UINT256 = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    /** Permit2 allowances are uint160; its maximum is Permit2's "unlimited". */
    public static final BigInteger MAX_UINT160 = BigInteger.TWO.pow(160).subtract(BigInteger.ONE);

    /** Whether the approval grants nothing any more: amount 0 or ApprovalForAll false. */
    public boolean revokes() {
        return !approved || (amount != null && amount.signum() == 0);
    }

    /**
     * Whether the spender may take everything: ApprovalForAll, or an allowance at Permit2's uint160
     * maximum or above (an ERC-20 max-uint256 allowance included).
     */
    public boolean unlimited() {
        if (revokes()) {
            return false;
        }
        return kind == ApprovalKind.APPROVAL_FOR_ALL || amount == null || amount.compareTo(MAX_UINT160) >= 0;
    }
}
