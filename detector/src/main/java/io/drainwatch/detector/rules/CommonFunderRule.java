package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code common-funder}: several distinct watched wallets receive native coin (gas) from the same
 * outside address within the window. One top-up is a user's deposit; the same stranger paying gas to
 * three of the custodian's wallets is an attacker preparing to sweep them, and it shows before the
 * sweeps land. Known services that pay many users (exchanges, bridges) and amounts larger than gas
 * are not top-ups.
 */
public final class CommonFunderRule {
    /** Fundings kept per funder: far above any threshold, and a state record far below Kafka's 1 MB. */
    static final int MAX_FUNDINGS = 500;

    private static final Set<LabelCategory> SERVICES = Set.of(LabelCategory.EXCHANGE, LabelCategory.BRIDGE);

    private CommonFunderRule() {}

    /**
     * The fundings of one outside address within the window (the latest {@link #MAX_FUNDINGS}), and
     * whether the rule has fired for it.
     */
    public record FunderState(List<Funding> fundings, boolean firing) {
        public static FunderState empty() {
            return new FunderState(List.of(), false);
        }

        /** Distinct watched wallets funded, in order of first funding. */
        public List<String> wallets() {
            return fundings.stream().map(Funding::wallet).distinct().toList();
        }
    }

    /**
     * The result: maybe a finding, the updated state, and the fundings that became its evidence now
     * (all of those in the window when it first fires, then each new one).
     */
    public record Outcome(Optional<Finding> finding, FunderState state, List<Funding> implicated) {}

    /**
     * The funding a native deposit to a watched wallet of {@code group} is, if it could be gas from an
     * attacker: from an address that is not the custodian's, not a labelled exchange or bridge, and
     * worth no more than {@code rules.funderMaxUsd()} (or unpriced).
     */
    public static Optional<Funding> funding(Transfer in, String group, ReferenceData ref, RuleSettings rules) {
        if (!in.isNative()
                || in.amount().signum() == 0
                || in.from().equals(in.to())
                || ref.isOwnOrAllowed(in.chainId(), in.from(), group)
                || ref.label(in.chainId(), in.from()).filter(SERVICES::contains).isPresent()) {
            return Optional.empty();
        }
        Optional<Double> usd = ref.usd(in);
        if (usd.isPresent() && usd.get() > rules.funderMaxUsd()) {
            return Optional.empty();
        }
        return Optional.of(Funding.of(in, group, usd.orElse(null)));
    }

    public static Outcome evaluate(Funding f, FunderState state, RuleSettings rules) {
        long horizon = f.blockTime() - rules.funderWindow().toMillis();
        if (state.fundings().stream().anyMatch(e -> e.eventId().equals(f.eventId()))) {
            return new Outcome(Optional.empty(), state, List.of()); // replayed event
        }
        List<Funding> kept = new ArrayList<>(
                state.fundings().stream().filter(e -> e.blockTime() >= horizon).toList());
        boolean wasFiring = state.firing() && !kept.isEmpty();
        kept.add(f);
        while (kept.size() > MAX_FUNDINGS) {
            kept.remove(0);
        }
        FunderState counted = new FunderState(kept, false);
        List<String> wallets = counted.wallets();
        boolean firing = rules.commonFunder() && wallets.size() >= rules.funderMinWallets();
        if (!firing) {
            return new Outcome(Optional.empty(), counted, List.of());
        }
        FunderState next = new FunderState(kept, true);
        List<Funding> implicated = wasFiring ? List.of(f) : List.copyOf(kept);
        String groups = kept.stream()
                .map(Funding::custodyGroup)
                .distinct()
                .sorted()
                .reduce((a, b) -> a + "," + b)
                .orElse(f.custodyGroup());
        String count = wallets.size() >= MAX_FUNDINGS ? "At least " + MAX_FUNDINGS : Integer.toString(wallets.size());
        String listed = String.join(", ", wallets.subList(0, Math.min(10, wallets.size())))
                + (wallets.size() > 10 ? " and " + (wallets.size() - 10) + " more" : "");
        Finding finding = new Finding(
                RuleId.COMMON_FUNDER,
                Severity.CRITICAL,
                f.chainId(),
                groups,
                f.funder(),
                f.evidence(),
                count + " watched wallets funded with gas by outside address " + Money.shortAddress(f.funder()),
                "Outside address " + f.funder() + " sent native coin to " + count
                        + " distinct watched wallets (groups " + groups + ") within "
                        + rules.funderWindow().toMinutes() + " minutes: " + listed
                        + ". The latest top-up was "
                        + (f.usd() == null ? "unpriced" : Money.usd(f.usd()))
                        + " in " + f.txHash()
                        + ". This is how an attacker holding leaked keys pays the gas to sweep token-only wallets: expect "
                        + "their tokens to leave next. Move the funded wallets' assets with fresh keys now, stop deposits "
                        + "to them, and rotate the group's keys.",
                Map.of(
                        "min-wallets", Integer.toString(rules.funderMinWallets()),
                        "max-usd", Double.toString(rules.funderMaxUsd()),
                        "window", rules.funderWindow().toString()));
        return new Outcome(Optional.of(finding), next, implicated);
    }

    /** Forgets a funding a reorganisation removed. */
    public static FunderState remove(Funding removed, FunderState state) {
        List<Funding> kept = state.fundings().stream()
                .filter(e -> !e.eventId().equals(removed.eventId()))
                .toList();
        return new FunderState(kept, state.firing() && !kept.isEmpty());
    }

    /**
     * Whether a funder's state can be forgotten at block time {@code now}: every funding is older than
     * its group's window and a grace of one more window, for fundings that reach the stage late.
     */
    public static boolean expired(FunderState state, long now, Function<String, RuleSettings> rulesOfGroup) {
        return state.fundings().stream().allMatch(e -> {
            long window = rulesOfGroup.apply(e.custodyGroup()).funderWindow().toMillis();
            return e.blockTime() < now - 2 * window;
        });
    }
}
