package io.drainwatch.detector.alert;

import io.drainwatch.detector.rules.Evidence;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Turns an {@link OpenAlert} into the {@link DrainAlert} record downstream consumers read. */
public final class AlertRecords {
    private static final int MAX_TX_LINKS = 5;

    private AlertRecords() {}

    public static DrainAlert toRecord(
            OpenAlert a, AlertStatus status, long now, long confirmations, ExplorerLinks links) {
        return toRecord(a, status, now, confirmations, links, null);
    }

    /** The record of {@code a}, naming the incident it belongs to when {@code incidentId} is set. */
    public static DrainAlert toRecord(
            OpenAlert a,
            AlertStatus status,
            long now,
            long confirmations,
            ExplorerLinks links,
            @Nullable String incidentId) {
        Evidence latest = a.latest();
        Evidence first = a.first();
        BigInteger amount = a.evidence().stream()
                .filter(e -> Objects.equals(e.asset(), latest.asset()) && e.amount() != null)
                .map(Evidence::amount)
                .reduce(BigInteger.ZERO, BigInteger::add);
        boolean priced = a.evidence().stream().anyMatch(e -> e.usd() != null);
        double usd = a.evidence().stream()
                .map(Evidence::usd)
                .filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue)
                .sum();
        List<String> txHashes = new ArrayList<>(
                new LinkedHashSet<>(a.evidence().stream().map(Evidence::txHash).toList()));
        List<String> urls = new ArrayList<>();
        txHashes.stream()
                .skip(Math.max(0, txHashes.size() - MAX_TX_LINKS))
                .forEach(tx -> links.tx(a.chainId(), tx).ifPresent(urls::add));
        if (latest.destination() != null) {
            links.address(a.chainId(), latest.destination()).ifPresent(urls::add);
        }
        long firstTime =
                a.evidence().stream().mapToLong(Evidence::blockTime).min().orElse(first.blockTime());
        long lastTime =
                a.evidence().stream().mapToLong(Evidence::blockTime).max().orElse(latest.blockTime());
        return DrainAlert.newBuilder()
                .setAlertId(a.alertId())
                .setRule(a.rule().id())
                .setSeverity(a.severity())
                .setStatus(status)
                .setVersion(a.version())
                .setChainId(a.chainId())
                .setCustodyGroup(a.custodyGroup())
                .setSubject(a.subject())
                .setWallets(a.wallets())
                .setDestination(latest.destination())
                .setAsset(latest.asset())
                .setAmount(decimal(latest.amount() == null ? null : amount))
                .setDecimals(latest.decimals())
                .setUsdValue(priced ? usd : null)
                .setBalanceBefore(decimal(latest.balanceBefore()))
                .setBalanceAfter(decimal(latest.balanceAfter()))
                .setTxHashes(txHashes)
                .setFirstBlock(a.evidence().stream()
                        .mapToLong(Evidence::blockNumber)
                        .min()
                        .orElse(first.blockNumber()))
                .setLastBlock(a.evidence().stream()
                        .mapToLong(Evidence::blockNumber)
                        .max()
                        .orElse(latest.blockNumber()))
                .setFirstEvidenceTime(Instant.ofEpochMilli(firstTime))
                .setLastEvidenceTime(Instant.ofEpochMilli(lastTime))
                .setDetectedAt(Instant.ofEpochMilli(now))
                .setConfirmations(Math.max(0, confirmations))
                .setSummary(
                        switch (status) {
                            case RESOLVED -> "Resolved: " + a.summary();
                            case RETRACTED -> "Retracted (chain reorganisation removed the evidence): " + a.summary();
                            default -> a.summary();
                        })
                .setDescription(a.description())
                .setThresholds(a.thresholds())
                .setLinks(urls)
                .setIncidentId(incidentId)
                .build();
    }

    private static @Nullable BigDecimal decimal(@Nullable BigInteger value) {
        return value == null ? null : new BigDecimal(value);
    }
}
