package io.drainwatch.detector.chain;

import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.BlockHead;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import java.util.List;

/** Everything the ingestor writes for one block. */
public record BlockEvents(
        BlockHead head,
        List<TransferEvent> transfers,
        List<ApprovalEvent> approvals,
        List<DelegationEvent> delegations,
        List<BalanceSnapshot> balances) {

    public BlockEvents {
        transfers = List.copyOf(transfers);
        approvals = List.copyOf(approvals);
        delegations = List.copyOf(delegations);
        balances = List.copyOf(balances);
    }

    /**
     * The same events marked {@code removed=true}, as written when a reorganisation orphans the
     * block. Balance snapshots are not repeated: they describe a state that no longer exists, and the
     * new branch writes its own.
     */
    public BlockEvents retracted() {
        return new BlockEvents(
                BlockHead.newBuilder(head).setRemoved(true).build(),
                transfers.stream()
                        .map(t -> TransferEvent.newBuilder(t).setRemoved(true).build())
                        .toList(),
                approvals.stream()
                        .map(a -> ApprovalEvent.newBuilder(a).setRemoved(true).build())
                        .toList(),
                delegations.stream()
                        .map(d -> DelegationEvent.newBuilder(d).setRemoved(true).build())
                        .toList(),
                List.of());
    }

    /** Same block with enrichment applied. */
    public BlockEvents withEnrichment(List<TransferEvent> enrichedTransfers, List<BalanceSnapshot> snapshots) {
        return new BlockEvents(head, enrichedTransfers, approvals, delegations, snapshots);
    }

    public int size() {
        return 1 + transfers.size() + approvals.size() + delegations.size() + balances.size();
    }
}
