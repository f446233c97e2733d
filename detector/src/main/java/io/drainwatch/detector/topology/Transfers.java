package io.drainwatch.detector.topology;

import io.drainwatch.detector.rules.Transfer;
import io.drainwatch.schemas.TransferEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/** Converts the wire record into the rules' view of a transfer. */
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
                e.getRecipientFresh());
    }

    static BigInteger integer(BigDecimal d) {
        return d.toBigIntegerExact();
    }

    static @Nullable BigInteger nullableInteger(@Nullable BigDecimal d) {
        return d == null ? null : d.toBigIntegerExact();
    }
}
