package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.Undecodable;
import io.drainwatch.detector.chain.NodeData.Frame;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.detector.model.Addresses;
import io.drainwatch.schemas.TransferKind;
import java.util.List;

/**
 * The call frames under a transaction's root call: internal transfers of the native coin, and EIP-2612
 * permits made from inside a contract (a drainer's multicall). Each frame is named by its trace address
 * ({@code 0}, {@code 0.1}, ...), which keeps its event ids deterministic.
 */
final class TraceDecoder {
    private TraceDecoder() {}

    /** Decodes {@code root}'s sub-calls; a failed root (the whole transaction reverted inside) moved nothing. */
    static void decode(BlockDecoding block, Transaction tx, Frame root) {
        if (!root.failed()) {
            frames(block, tx, root.calls(), "");
        }
    }

    private static void frames(BlockDecoding block, Transaction tx, List<Frame> frames, String parent) {
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            String address = parent.isEmpty() ? Integer.toString(i) : parent + "." + i;
            if (f.failed()) {
                continue; // a reverted frame and everything under it moved nothing
            }
            boolean movesValue = switch (f.type()) {
                case "CALL", "CREATE", "CREATE2", "SELFDESTRUCT" -> true;
                default -> false; // DELEGATECALL and CALLCODE echo the caller's value; STATICCALL carries none
            };
            if (movesValue && f.value().signum() > 0 && f.to() != null) {
                block.transfers.add(block.transfer(
                                tx,
                                TransferKind.INTERNAL,
                                f.from(),
                                f.to(),
                                Addresses.NATIVE,
                                f.value(),
                                null,
                                null,
                                "call:" + address)
                        .setTraceAddress(address)
                        .build());
            }
            if (f.type().equals("CALL")) {
                // a DELEGATECALL (a proxy running its implementation) or CALLCODE repeats its caller's call in
                // the caller's storage, so its permit was seen at the caller; STATICCALL and CREATE set none
                block.guarded(
                        tx,
                        Undecodable.CALL,
                        "permit:" + address,
                        () -> PermitCallDecoder.decode(block, tx, f.to(), f.input(), address));
            }
            frames(block, tx, f.calls(), address);
        }
    }
}
