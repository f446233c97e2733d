package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Approval;
import io.drainwatch.detector.rules.Delegation;
import io.drainwatch.detector.rules.Inclusion;
import io.drainwatch.detector.rules.Transfer;
import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/** Converts the wire records into the rules' view of a transfer, an approval or a delegation. */
final class Transfers {
    private Transfers() {}

    static Transfer of(TransferEvent e) {
        return new Transfer(
                e.getChainId(),
                e.getFrom(),
                e.getTo(),
                e.getKind(),
                e.getAsset(),
                integer(e.getAmount()),
                e.getDecimals(),
                e.getEventId(),
                e.getTxHash(),
                e.getBlockNumber(),
                e.getBlockTime().toEpochMilli(),
                e.getRemoved(),
                nullableInteger(e.getSenderBalanceBefore()),
                nullableInteger(e.getSenderBalanceAfter()),
                e.getRecipientFresh(),
                e.getTxFrom());
    }

    static Approval of(ApprovalEvent e) {
        return new Approval(
                e.getChainId(),
                e.getOwner(),
                e.getSpender(),
                e.getKind(),
                e.getToken(),
                nullableInteger(e.getAmount()),
                e.getApproved(),
                new Inclusion(
                        e.getEventId(),
                        e.getTxHash(),
                        e.getTxFrom(),
                        e.getBlockNumber(),
                        e.getBlockTime().toEpochMilli(),
                        e.getRemoved()));
    }

    static Delegation of(DelegationEvent e) {
        return new Delegation(
                e.getChainId(),
                e.getAuthority(),
                e.getDelegate(),
                e.getAuthorizationNonce(),
                new Inclusion(
                        e.getEventId(),
                        e.getTxHash(),
                        e.getTxFrom(),
                        e.getBlockNumber(),
                        e.getBlockTime().toEpochMilli(),
                        e.getRemoved()));
    }

    static BigInteger integer(BigDecimal d) {
        return d.toBigIntegerExact();
    }

    static @Nullable BigInteger nullableInteger(@Nullable BigDecimal d) {
        return d == null ? null : d.toBigIntegerExact();
    }
}
