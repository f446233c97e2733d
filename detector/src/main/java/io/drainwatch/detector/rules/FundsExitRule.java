package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code funds-exit}: an address that received drained funds (tainted) pays an address labelled mixer, bridge or
 * exchange. High: this is where the funds can still be frozen (exchange, some bridges) or where the trail goes
 * cold (mixer), so the response team must act on it now. The alert names the path: the victim wallet(s), the
 * tainted hop and the exit, with their transactions.
 */
public final class FundsExitRule {
    private FundsExitRule() {}

    public static Optional<Finding> evaluate(Transfer hop, Taint taint, ReferenceData ref, RuleSettings rules) {
        if (!rules.fundsExit()
                || hop.removed()
                || hop.amount().signum() == 0
                || !taint.covers(hop.blockTime())
                || hop.blockTime() < taint.time()) {
            return Optional.empty();
        }
        Optional<LabelCategory> exit = ref.label(hop.chainId(), hop.to()).filter(rules.exitCategories()::contains);
        if (exit.isEmpty()) {
            return Optional.empty();
        }
        String category = exit.get().name().toLowerCase(Locale.ROOT);
        Optional<Double> usd = ref.usd(hop);
        String value = usd.map(Money::usd).orElse("an unpriced amount");
        String victims = taint.victims().stream().map(Money::shortAddress).collect(Collectors.joining(", "));
        String drainTxs = String.join(", ", taint.txHashes());
        Evidence exitEvidence = new Evidence(
                hop.eventId(),
                hop.txHash(),
                hop.blockNumber(),
                hop.blockTime(),
                taint.victims().isEmpty() ? hop.from() : taint.victims().get(0),
                hop.to(),
                hop.asset(),
                hop.amount(),
                hop.decimals(),
                usd.orElse(null),
                null,
                null);
        return Optional.of(new Finding(
                RuleId.FUNDS_EXIT,
                Severity.HIGH,
                hop.chainId(),
                taint.custodyGroup(),
                hop.from(),
                exitEvidence,
                "Drained funds reach " + category + " " + Money.shortAddress(hop.to()) + ": " + victims + " → "
                        + Money.shortAddress(hop.from()) + " → " + Money.shortAddress(hop.to()) + " (" + value + ")",
                "Path: watched wallet(s) " + String.join(", ", taint.victims()) + " (group " + taint.custodyGroup()
                        + ") → " + hop.from() + " in " + drainTxs + " (" + taint.sourceRule() + " alert "
                        + taint.sourceAlertId() + ") → " + hop.to() + ", labelled " + category + ", in "
                        + hop.txHash() + " (block " + hop.blockNumber() + "), " + value + " of "
                        + BalanceDrainRule.assetName(hop) + ". "
                        + action(exit.get(), hop.to()),
                Map.of(
                        "taint-ttl",
                        rules.taintTtl().toString(),
                        "exit-categories",
                        rules.exitCategories().stream()
                                .map(c -> c.name().toLowerCase(Locale.ROOT))
                                .sorted()
                                .collect(Collectors.joining(",")))));
    }

    private static String action(LabelCategory exit, String to) {
        return switch (exit) {
            case EXCHANGE ->
                "Ask the exchange's compliance team to freeze the deposit to " + to
                        + " now, quoting these transactions.";
            case BRIDGE -> "Contact the bridge operator to stop or flag the transfer, and watch the destination chain.";
            case MIXER ->
                "The trail is about to go cold: report the path to law enforcement and the chain analytics"
                        + " provider now.";
            default -> "Report the path to the response team.";
        };
    }
}
