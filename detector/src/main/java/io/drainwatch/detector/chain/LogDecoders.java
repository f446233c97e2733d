package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.IngestMetrics.Undecodable;
import io.drainwatch.detector.chain.NodeData.Log;
import io.drainwatch.detector.chain.NodeData.Transaction;
import io.drainwatch.schemas.ApprovalKind;
import java.util.Map;

/** The log decoders by event signature (topic0): the token events the ingestor turns into drainwatch events. */
final class LogDecoders {
    private static final Map<String, LogDecoder> BY_TOPIC = Map.of(
            EventTopics.TRANSFER, new TransferDecoder(),
            EventTopics.TRANSFER_SINGLE, new TransferSingleDecoder(),
            EventTopics.TRANSFER_BATCH, new TransferBatchDecoder(),
            EventTopics.APPROVAL, new ApprovalDecoder(),
            EventTopics.APPROVAL_FOR_ALL, new ApprovalForAllDecoder(),
            EventTopics.PERMIT2_APPROVAL, new Permit2Decoder(ApprovalKind.PERMIT2_APPROVAL),
            EventTopics.PERMIT2_PERMIT, new Permit2Decoder(ApprovalKind.PERMIT2_PERMIT));

    private LogDecoders() {}

    /** Decodes each log of a successful transaction on its own: a malformed one is skipped and counted. */
    static void decode(BlockDecoding block, Transaction tx, Iterable<Log> logs) {
        for (Log l : logs) {
            block.guarded(tx, Undecodable.LOG, "log:" + l.logIndex(), () -> decode(block, tx, l));
        }
    }

    private static void decode(BlockDecoding block, Transaction tx, Log l) {
        if (l.topics().isEmpty()) {
            return;
        }
        LogDecoder decoder = BY_TOPIC.get(l.topics().get(0));
        if (decoder != null) {
            decoder.decode(block, tx, l);
        }
    }
}
