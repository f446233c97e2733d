package io.drainwatch.detector.topology;

import io.drainwatch.schemas.ApprovalEvent;
import io.drainwatch.schemas.BalanceSnapshot;
import io.drainwatch.schemas.DelegationEvent;
import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Something that happened to a watched wallet, as the per-wallet stage receives it (keyed by wallet),
 * a transfer that the filter hands straight to a stage keyed by its sender (a hop, a top-up), or the
 * filter's progress (a tick).
 */
sealed interface WalletEvent {
    /** Value left the wallet. */
    record Outflow(TransferEvent transfer) implements WalletEvent {}

    /** Value arrived in the wallet. */
    record Inflow(TransferEvent transfer) implements WalletEvent {}

    /** The wallet's balance of an asset after a block. */
    record Balance(BalanceSnapshot snapshot) implements WalletEvent {}

    /** The wallet granted a spender the right to move its tokens (or revoked it). */
    record Approval(ApprovalEvent approval) implements WalletEvent {}

    /** The wallet's code was delegated (EIP-7702), or its delegation cleared. */
    record Delegation(DelegationEvent delegation) implements WalletEvent {}

    /** Value left an address that received drained funds (keyed by that address, for funds-exit). */
    record Hop(TransferEvent transfer) implements WalletEvent {}

    /**
     * Native coin arrived in a watched wallet, keyed by its sender, for common-funder. It stays in the
     * transfers topic's own partition, so one sender's top-ups reach the funder stage in chain order.
     */
    record Topup(TransferEvent transfer) implements WalletEvent {}

    /**
     * The filter has handed on every transfer of a chain through a block from one partition of the
     * transfers topic. Sent to every wallet task; not about a wallet.
     */
    record Tick(BlockTick tick) implements WalletEvent {}

    /** Encodes an event as one tag byte and the Avro single-object encoding of its record. */
    final class WalletEventSerde implements Serde<WalletEvent> {
        private static final byte OUT = 'O';
        private static final byte IN = 'I';
        private static final byte BALANCE = 'B';
        private static final byte APPROVAL = 'A';
        private static final byte DELEGATION = 'D';
        private static final byte HOP = 'H';
        private static final byte TOPUP = 'T';
        private static final byte TICK = 'K';
        private final AvroSerde<TransferEvent> transfers = AvroSerde.of(TransferEvent.class);
        private final AvroSerde<BalanceSnapshot> balances = AvroSerde.of(BalanceSnapshot.class);
        private final AvroSerde<ApprovalEvent> approvals = AvroSerde.of(ApprovalEvent.class);
        private final AvroSerde<DelegationEvent> delegations = AvroSerde.of(DelegationEvent.class);
        private final JsonSerde<BlockTick> ticks = JsonSerde.of(BlockTick.class);

        @Override
        public Serializer<WalletEvent> serializer() {
            return (topic, event) -> {
                if (event == null) {
                    return null;
                }
                byte tag;
                byte[] body;
                switch (event) {
                    case Outflow o -> {
                        tag = OUT;
                        body = transfers.encode(o.transfer());
                    }
                    case Inflow i -> {
                        tag = IN;
                        body = transfers.encode(i.transfer());
                    }
                    case Balance b -> {
                        tag = BALANCE;
                        body = balances.encode(b.snapshot());
                    }
                    case Approval a -> {
                        tag = APPROVAL;
                        body = approvals.encode(a.approval());
                    }
                    case Hop h -> {
                        tag = HOP;
                        body = transfers.encode(h.transfer());
                    }
                    case Topup t -> {
                        tag = TOPUP;
                        body = transfers.encode(t.transfer());
                    }
                    case Delegation d -> {
                        tag = DELEGATION;
                        body = delegations.encode(d.delegation());
                    }
                    case Tick k -> {
                        tag = TICK;
                        body = ticks.serializer().serialize(topic, k.tick());
                    }
                }
                byte[] bytes = new byte[body.length + 1];
                bytes[0] = tag;
                System.arraycopy(body, 0, bytes, 1, body.length);
                return bytes;
            };
        }

        @Override
        public Deserializer<WalletEvent> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null || bytes.length == 0) {
                    return null;
                }
                byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
                return switch (bytes[0]) {
                    case OUT -> new Outflow(transfers.decode(body));
                    case IN -> new Inflow(transfers.decode(body));
                    case BALANCE -> new Balance(balances.decode(body));
                    case APPROVAL -> new Approval(approvals.decode(body));
                    case DELEGATION -> new Delegation(delegations.decode(body));
                    case HOP -> new Hop(transfers.decode(body));
                    case TOPUP -> new Topup(transfers.decode(body));
                    case TICK -> new Tick(ticks.deserializer().deserialize(topic, body));
                    default -> throw new SerializationException("unknown wallet event tag " + bytes[0]);
                };
            };
        }
    }
}
