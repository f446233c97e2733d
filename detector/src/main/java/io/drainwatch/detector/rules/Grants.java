package io.drainwatch.detector.rules;

import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Who besides the key holder can move one watched wallet's assets, as far as the detector alerted on
 * it: approvals to spenders that are not the custodian's, and an EIP-7702 delegation to a contract that is
 * not. Immutable; rules return an updated copy.
 *
 * @param delegation the open delegation to an unknown contract, if any
 * @param approvals open approvals to unknown spenders, oldest first, bounded
 * @param recentOutflows the wallet's latest outflows, oldest first, bounded: an approval or a delegation of an
 *     earlier block that arrives after them is judged with them as if it had come first
 */
public record Grants(
        @Nullable DelegationGrant delegation, List<ApprovalGrant> approvals, List<Transfer> recentOutflows) {
    static final int MAX_APPROVALS = 32;
    static final int MAX_RECENT_OUTFLOWS = 32;

    public Grants {
        // State written before the field existed has none.
        recentOutflows = recentOutflows == null ? List.of() : List.copyOf(recentOutflows);
    }

    public static Grants empty() {
        return new Grants(null, List.of(), List.of());
    }

    /** A delegation the {@code delegation} rule alerted on. */
    public record DelegationGrant(String delegate, String eventId, String txHash, long blockNumber) {}

    /**
     * An approval the {@code unknown-approval} rule alerted on, at {@code severity}.
     *
     * @param kind the approval kind's name (ERC20_APPROVAL, APPROVAL_FOR_ALL, ...)
     */
    public record ApprovalGrant(
            String spender,
            String token,
            String kind,
            boolean unlimited,
            Severity severity,
            String eventId,
            String txHash,
            long blockNumber) {
        ApprovalGrant withSeverity(Severity next) {
            return new ApprovalGrant(spender, token, kind, unlimited, next, eventId, txHash, blockNumber);
        }
    }

    public Grants withDelegation(@Nullable DelegationGrant next) {
        return new Grants(next, approvals, recentOutflows);
    }

    /** Adds {@code grant}, replacing an earlier approval of the same spender for the same token. */
    public Grants withApproval(ApprovalGrant grant) {
        List<ApprovalGrant> next = new ArrayList<>(approvals);
        next.removeIf(g -> g.spender().equals(grant.spender()) && g.token().equals(grant.token()));
        next.add(grant);
        while (next.size() > MAX_APPROVALS) {
            next.remove(0);
        }
        return new Grants(delegation, List.copyOf(next), recentOutflows);
    }

    /** The copy without the approvals {@code which} matches. */
    public Grants withoutApprovals(Predicate<ApprovalGrant> which) {
        List<ApprovalGrant> next = new ArrayList<>(approvals);
        next.removeIf(which);
        return new Grants(delegation, List.copyOf(next), recentOutflows);
    }

    /** The copy with the approval of {@code eventId} at {@code severity}. */
    public Grants withApprovalSeverity(String eventId, Severity severity) {
        return new Grants(
                delegation,
                approvals.stream()
                        .map(g -> g.eventId().equals(eventId) ? g.withSeverity(severity) : g)
                        .toList(),
                recentOutflows);
    }

    public Optional<ApprovalGrant> approval(String eventId) {
        return approvals.stream().filter(g -> g.eventId().equals(eventId)).findFirst();
    }

    /** The copy remembering {@code out} among the latest outflows. */
    public Grants withOutflow(Transfer out) {
        List<Transfer> next = new ArrayList<>(recentOutflows);
        next.removeIf(t -> t.eventId().equals(out.eventId()));
        next.add(out);
        while (next.size() > MAX_RECENT_OUTFLOWS) {
            next.remove(0);
        }
        return new Grants(delegation, approvals, next);
    }

    /** The copy without the outflow {@code eventId}, which a reorganisation removed. */
    public Grants withoutOutflow(String eventId) {
        List<Transfer> next = new ArrayList<>(recentOutflows);
        next.removeIf(t -> t.eventId().equals(eventId));
        return new Grants(delegation, approvals, next);
    }

    /** The remembered outflows of block {@code blockNumber} or later, in block order. */
    public List<Transfer> outflowsSince(long blockNumber) {
        return recentOutflows.stream()
                .filter(t -> t.blockNumber() >= blockNumber)
                .sorted(Comparator.comparingLong(Transfer::blockNumber))
                .toList();
    }
}
