package io.drainwatch.detector.topology;

import io.drainwatch.detector.alert.ExplorerLinks;
import io.drainwatch.detector.alert.OpenAlert;
import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.detector.metrics.DetectorMetrics;
import io.drainwatch.detector.rules.Activity;
import io.drainwatch.detector.rules.Approval;
import io.drainwatch.detector.rules.CombinedSignalsRule;
import io.drainwatch.detector.rules.Delegation;
import io.drainwatch.detector.rules.DelegationRule;
import io.drainwatch.detector.rules.DormantWakeRule;
import io.drainwatch.detector.rules.Finding;
import io.drainwatch.detector.rules.Grants;
import io.drainwatch.detector.rules.Payment;
import io.drainwatch.detector.rules.RuleId;
import io.drainwatch.detector.rules.Transfer;
import io.drainwatch.detector.rules.UnauthorizedOutflowRule;
import io.drainwatch.detector.rules.UnknownApprovalRule;
import io.drainwatch.detector.rules.VelocityRule;
import io.drainwatch.detector.rules.WalletRules;
import io.drainwatch.detector.rules.WalletState;
import io.drainwatch.detector.topic.Keys;
import io.drainwatch.detector.topic.ProgressTick;
import io.drainwatch.schemas.DrainAlert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Stage 2, keyed by watched wallet: runs the per-wallet rules, keeps each wallet's state and open
 * alerts, waits out the signer's grace period for unsigned outflows, and hands payments to unknown
 * addresses to the per-destination stage, and drains to the fleet stage. A wallet's outflows come from
 * its own partition of the transfers topic and its inflows from their senders': a {@link BlockOrderGate}
 * holds them (and balances) until the filter's progress ticks say every partition has come through their
 * block, so the rules judge them in block order. Then it passes the ticks on to the destination stage.
 */
final class WalletProcessor extends RuleStage<WalletEvent> {
    static final String STATE = "wallet-state";
    static final String ALERTS = "wallet-alerts";
    static final String PENDING = "wallet-pending-signatures";
    static final String GRANTS = "wallet-grants";
    static final String ACTIVITY = "wallet-activity";
    /** Per chain, the highest tick block from each partition of the transfers topic. */
    static final String WATERMARKS = "wallet-watermarks";
    /** Outflows, inflows and balances held until the watermark of their chain passes their block. */
    static final String HELD = "wallet-held-events";

    /**
     * An outflow, or an approval, waiting for the signer's record until {@code deadline} (wall clock).
     * Exactly one of {@code transfer} and {@code approval} is set.
     */
    record Pending(
            @Nullable Transfer transfer,
            String custodyGroup,
            long deadline,
            @Nullable Approval approval) {
        Pending(Transfer transfer, String custodyGroup, long deadline) {
            this(transfer, custodyGroup, deadline, null);
        }

        /** The block of what waits, so what falls due together is judged in chain order. */
        long block() {
            return transfer != null
                    ? transfer.blockNumber()
                    : approval != null ? approval.at().blockNumber() : 0L;
        }
    }

    private KeyValueStore<String, WalletState> states;
    private KeyValueStore<String, Pending> pending;
    private KeyValueStore<String, Grants> grants;
    private KeyValueStore<String, Activity> activity;
    private BlockOrderGate<HeldWalletEvent> gate;
    private AlertBook alerts;
    private final TickPacer pacer = new TickPacer(TickPacer.INTERVAL.toMillis());

    WalletProcessor(DetectorConfig config, ExplorerLinks links, DetectorMetrics metrics) {
        super(config, links, metrics);
    }

    @Override
    public void init(ProcessorContext<String, StageOutput> context) {
        super.init(context);
        this.states = context.getStateStore(STATE);
        this.pending = context.getStateStore(PENDING);
        this.grants = context.getStateStore(GRANTS);
        this.activity = context.getStateStore(ACTIVITY);
        this.gate = blockOrderGate(WATERMARKS, HELD, "wallet");
        sendPacedTicks(pacer, gate, this::forwardTick);
        this.alerts = alertBook(ALERTS);
    }

    @Override
    public void process(Record<String, WalletEvent> record) {
        long now = context.currentSystemTimeMs();
        switch (record.value()) {
            case WalletEvent.Outflow o -> admit(HeldWalletEvent.outflow(o.transfer(), record.timestamp(), now), now);
            case WalletEvent.Inflow i -> admit(HeldWalletEvent.inflow(i.transfer(), record.timestamp(), now), now);
            case WalletEvent.Balance b -> admit(HeldWalletEvent.balance(b.snapshot(), record.timestamp(), now), now);
            case WalletEvent.Approval a -> onApproval(Transfers.of(a.approval()), now, record.timestamp());
            case WalletEvent.Delegation d -> onDelegation(Transfers.of(d.delegation()), now, record.timestamp());
            // for the funds-exit and funder stages, which take them keyed by sender: never repartitioned by wallet
            case WalletEvent.Hop h -> {}
            case WalletEvent.Topup t -> {}
            case WalletEvent.Tick k -> onTick(k.tick(), record.timestamp());
            case null -> {}
        }
    }

    /**
     * An outflow, inflow or balance waits at the gate until every partition of the transfers topic has
     * come through its block; it goes at once while no tick of its chain has come here (a writer that
     * does not tick). A removal is applied at once: one of a held transfer drops it unjudged.
     */
    private void admit(HeldWalletEvent event, long now) {
        if (event.removed()) {
            if (!gate.drop(event)) {
                judge(event, now);
            }
        } else if (gate.passes(event.chainId(), event.block())) {
            judge(event, now);
        } else {
            gate.hold(event);
        }
    }

    private void judge(HeldWalletEvent event, long now) {
        Transfer out = event.outflow();
        Transfer in = event.inflow();
        HeldWalletEvent.BlockBalance balance = event.balance();
        if (out != null) {
            onOutflow(out, now, event.timestamp());
        } else if (in != null) {
            onInflow(in, now, event.timestamp());
        } else if (balance != null) {
            onBalance(balance, event.timestamp());
        }
    }

    private void onOutflow(Transfer t, long now, long timestamp) {
        Optional<String> group = reference.group(t.chainId(), t.from());
        if (group.isEmpty()) {
            return;
        }
        String key = Keys.address(t.chainId(), t.from());
        if (t.removed()) {
            retract(t, group.get(), now, timestamp);
            return;
        }
        RuleSettings rules = config.rules(group.get());
        WalletState state = orEmpty(states.get(key));
        boolean replayed = state.seen(t.eventId());
        WalletRules.Outcome outcome = WalletRules.onOutflow(t, group.get(), state, reference, rules);
        // The value change goes first, so an incident opened by this outflow already counts it as lost.
        store(key, t.chainId(), group.get(), state, outcome.state(), timestamp);
        List<Finding> findings = new ArrayList<>(outcome.findings());
        Grants granted = grants.get(key);
        if (granted != null) {
            DelegationRule.onOutflow(t, group.get(), granted, reference).ifPresent(findings::add);
            UnknownApprovalRule.onOutflow(t, group.get(), granted, reference).ifPresent(findings::add);
        }
        if (!replayed) {
            findings.addAll(onActivity(t, group.get(), key, state, outcome, rules));
            grants.put(key, orEmpty(granted).withOutflow(t));
        }
        findings.forEach(f -> emit(f, now, timestamp));
        outcome.payment()
                .ifPresent(p -> context.forward(
                        new Record<>(Keys.address(p.chainId(), p.destination()), new StageOutput.Pay(p), timestamp)));
        if (outcome.awaitSignature()) {
            pending.put(
                    t.eventId(),
                    new Pending(t, group.get(), now + rules.unauthorizedGrace().toMillis()));
        }
    }

    /**
     * A partition of the transfers topic has come through a block. This task reads each partition in
     * order, so once every partition has, every event of the chain through the lowest of their blocks
     * has reached it: it judges those it held, in block order, and, having handed on their payments,
     * says so to every destination task.
     */
    private void onTick(BlockTick tick, long timestamp) {
        long now = context.currentSystemTimeMs();
        gate.tick(tick, now).ifPresent(advance -> {
            advance.released().forEach(event -> judge(event, now));
            // the wallet stage has as many tasks as the transfers topic has partitions
            passOn(pacer, tick, advance.watermark(), timestamp, now, this::forwardTick);
        });
    }

    private void forwardTick(TickPacer.Paced paced) {
        BlockTick tick = paced.tick();
        context.forward(new Record<>(ProgressTick.key(tick.chainId()), new StageOutput.Tick(tick), paced.timestamp()));
    }

    private void onInflow(Transfer t, long now, long timestamp) {
        Optional<String> group = reference.group(t.chainId(), t.to());
        if (group.isEmpty()) {
            return;
        }
        String key = Keys.address(t.chainId(), t.to());
        if (!t.removed()) {
            activity.put(key, orEmpty(activity.get(key)).seenAt(t.blockTime()));
        }
        WalletState state = orEmpty(states.get(key));
        RuleSettings rules = config.rules(group.get());
        WalletRules.Outcome outcome = WalletRules.onInflow(t, group.get(), state, reference, rules);
        store(key, t.chainId(), group.get(), state, outcome.state(), timestamp);
        // A top-up from an earlier block than outflows that arrived before it.
        outcome.findings().forEach(f -> emit(f, now, timestamp));
    }

    /**
     * The rules over the wallet's recent activity (velocity, dormant-wake), then combined-signals over every
     * finding of this outflow ({@code outcome}'s and those of the grant rules): the findings they add.
     */
    private List<Finding> onActivity(
            Transfer t, String group, String key, WalletState before, WalletRules.Outcome outcome, RuleSettings rules) {
        List<Finding> added = new ArrayList<>();
        Activity act = orEmpty(activity.get(key)).seenAt(t.blockTime());
        boolean emptied = outcome.findings().stream().anyMatch(f -> f.rule() == RuleId.BALANCE_DRAIN);
        VelocityRule.Outcome velocity = VelocityRule.evaluate(
                t, group, before, outcome.state().valueUsd(t.chainId(), reference), act, reference, rules, emptied);
        velocity.finding().ifPresent(added::add);
        DormantWakeRule.Outcome dormant = DormantWakeRule.evaluate(t, group, velocity.activity(), reference, rules);
        dormant.finding().ifPresent(added::add);
        act = dormant.activity();
        // Findings already listed by the caller (the wallet rules', the grant rules') and those added here.
        List<Finding> all = new ArrayList<>(outcome.findings());
        all.addAll(added);
        CombinedSignalsRule.Outcome combined = CombinedSignalsRule.evaluate(all, act, rules);
        combined.finding().ifPresent(added::add);
        activity.put(key, combined.activity());
        return added;
    }

    /** Combined-signals over the findings of a grant (an approval): the finding it adds, if any. */
    private Optional<Finding> combine(String key, long blockTime, List<Finding> findings, RuleSettings rules) {
        CombinedSignalsRule.Outcome combined = CombinedSignalsRule.evaluate(
                findings, orEmpty(activity.get(key)).seenAt(blockTime), rules);
        activity.put(key, combined.activity());
        return combined.finding();
    }

    private void onApproval(Approval a, long now, long timestamp) {
        Optional<String> group = reference.group(a.chainId(), a.owner());
        if (group.isEmpty()) {
            return;
        }
        String key = Keys.address(a.chainId(), a.owner());
        Grants before = orEmpty(grants.get(key));
        if (a.at().removed()) {
            pending.delete(pendingApproval(a));
            grants.put(key, before.withoutApprovals(g -> g.eventId().equals(a.at().eventId())));
            String alert = AlertBook.key(RuleId.UNKNOWN_APPROVAL, a.chainId(), a.owner());
            retractEvidence(alert, a.at().eventId() + UnknownApprovalRule.UNSIGNED, now, timestamp);
            retractEvidence(alert, a.at().eventId(), now, timestamp);
            retractEvidence(
                    AlertBook.key(RuleId.COMBINED_SIGNALS, a.chainId(), a.owner()), a.at().eventId(), now, timestamp);
            Activity act = activity.get(key);
            if (act != null) {
                activity.put(key, act.without(a.at().eventId()));
            }
            return;
        }
        RuleSettings rules = config.rules(group.get());
        UnknownApprovalRule.Outcome outcome = UnknownApprovalRule.onApproval(a, group.get(), before, reference, rules);
        grants.put(key, outcome.grants());
        outcome.finding().ifPresent(f -> {
            emit(f, now, timestamp);
            combine(key, a.at().blockTime(), List.of(f), rules).ifPresent(c -> emit(c, now, timestamp));
        });
        // Outflows of this block or later that arrived before the approval: judged as if it had come first.
        for (Transfer out : outcome.grants().outflowsSince(a.at().blockNumber())) {
            UnknownApprovalRule.onOutflow(out, group.get(), outcome.grants(), reference)
                    .ifPresent(f -> emit(f, now, timestamp));
        }
        if (outcome.resolve()) {
            resolve(RuleId.UNKNOWN_APPROVAL, a.chainId(), a.owner(), now, timestamp);
        }
        if (outcome.awaitSignature()) {
            pending.put(
                    pendingApproval(a),
                    new Pending(
                            null, group.get(), now + rules.unauthorizedGrace().toMillis(), a));
        }
    }

    private void onDelegation(Delegation d, long now, long timestamp) {
        Optional<String> group = reference.group(d.chainId(), d.authority());
        if (group.isEmpty()) {
            return;
        }
        String key = Keys.address(d.chainId(), d.authority());
        Grants before = orEmpty(grants.get(key));
        if (d.at().removed()) {
            Grants.DelegationGrant open = before.delegation();
            if (open != null && open.eventId().equals(d.at().eventId())) {
                grants.put(key, before.withDelegation(null));
            }
            retractEvidence(
                    AlertBook.key(RuleId.DELEGATION, d.chainId(), d.authority()), d.at().eventId(), now, timestamp);
            return;
        }
        DelegationRule.Outcome outcome =
                DelegationRule.onDelegation(d, group.get(), before, reference, config.rules(group.get()));
        grants.put(key, outcome.grants());
        if (outcome.resolve()) {
            resolve(RuleId.DELEGATION, d.chainId(), d.authority(), now, timestamp);
        }
        outcome.finding().ifPresent(f -> emit(f, now, timestamp));
        // Outflows of this block or later that arrived before the delegation: judged as if it had come first.
        for (Transfer out : outcome.grants().outflowsSince(d.at().blockNumber())) {
            DelegationRule.onOutflow(out, group.get(), outcome.grants(), reference)
                    .ifPresent(f -> emit(f, now, timestamp));
        }
    }

    private static String pendingApproval(Approval a) {
        return "approval|" + a.at().eventId();
    }

    private void resolve(RuleId rule, long chainId, String wallet, long now, long timestamp) {
        alerts.resolve(AlertBook.key(rule, chainId, wallet), now)
                .ifPresent(alert ->
                        context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp)));
    }

    /** Removes evidence that a reorganisation took away from an alert that the fleet stage does not write. */
    private void retractEvidence(String alertKey, String eventId, long now, long timestamp) {
        alerts.retract(alertKey, eventId, now)
                .ifPresent(alert ->
                        context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp)));
    }

    private void onBalance(HeldWalletEvent.BlockBalance b, long timestamp) {
        Optional<String> group = reference.group(b.chainId(), b.wallet());
        if (group.isEmpty()) {
            return;
        }
        String key = Keys.address(b.chainId(), b.wallet());
        WalletState state = orEmpty(states.get(key));
        store(key, b.chainId(), group.get(), state, WalletRules.onBalance(b.asset(), b.balance(), state), timestamp);
    }

    /** Saves the wallet's state and tells the fleet stage how the value it holds changed. */
    private void store(String key, long chainId, String group, WalletState before, WalletState after, long timestamp) {
        states.put(key, after);
        double delta = after.valueUsd(chainId, reference) - before.valueUsd(chainId, reference);
        if (delta != 0) {
            context.forward(new Record<>(group, new StageOutput.Fleet(FleetSignal.value(delta)), timestamp));
        }
    }

    private void emit(Finding f, long now, long timestamp) {
        alerts.apply(f, now).ifPresent(alert -> {
            // A drain alert that pages nothing by itself is written by the fleet stage, which may raise it.
            if (!FleetSignal.writtenByFleet(alert)) {
                context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp));
            }
            if (f.rule().marksWalletDrained()) {
                alerts.get(AlertBook.key(f.rule(), f.chainId(), f.subject()))
                        .ifPresent(open -> context.forward(new Record<>(
                                f.custodyGroup(),
                                new StageOutput.Fleet(FleetSignal.drained(f, open, alert)),
                                timestamp)));
            }
        });
    }

    /** A reorganisation removed {@code t}: take it out of every alert it supports and of the later stages. */
    private void retract(Transfer t, String group, long now, long timestamp) {
        pending.delete(t.eventId());
        String walletKey = Keys.address(t.chainId(), t.from());
        WalletState state = states.get(walletKey);
        if (state != null) {
            states.put(walletKey, state.withoutUnexplainedSweep(t.eventId()));
        }
        Grants granted = grants.get(walletKey);
        if (granted != null) {
            grants.put(walletKey, granted.withoutOutflow(t.eventId()));
        }
        Activity act = activity.get(walletKey);
        if (act != null) {
            activity.put(walletKey, act.without(t.eventId()));
        }
        for (RuleId rule : RuleId.values()) {
            String key = AlertBook.key(rule, t.chainId(), t.from());
            Optional<String> alertId = alerts.get(key).map(OpenAlert::alertId);
            alerts.retract(key, t.eventId(), now).ifPresent(alert -> {
                boolean byFleet = FleetSignal.writtenByFleet(alert);
                if (!byFleet) {
                    context.forward(new Record<>(alert.getAlertId(), new StageOutput.Alert(alert), timestamp));
                }
                if (rule.marksWalletDrained()) {
                    FleetSignal.LowAlert low = byFleet
                            ? new FleetSignal.LowAlert(
                                    alert.getAlertId(),
                                    alert.getStatus(),
                                    alerts.get(key).orElse(null))
                            : null;
                    FleetSignal signal = FleetSignal.retracted(
                            rule, Payment.of(t, group, null), alertId.orElse(alert.getAlertId()), low);
                    context.forward(new Record<>(group, new StageOutput.Fleet(signal), timestamp));
                }
            });
        }
        context.forward(new Record<>(
                Keys.address(t.chainId(), t.to()), new StageOutput.Pay(Payment.of(t, group, null)), timestamp));
    }

    @Override
    void tick(long now) {
        gate.overdue(now).forEach(event -> judge(event, now));
        List<KeyValue<String, Pending>> due = new ArrayList<>();
        try (KeyValueIterator<String, Pending> all = pending.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.deadline() <= now) {
                    due.add(kv);
                }
            });
        }
        // The store iterates by event id, which says nothing about the chain: what falls due in one tick
        // is judged block by block, so the fleet stage sees this wallet stage's drains in chain order.
        due.sort(Comparator.comparingLong((KeyValue<String, Pending> kv) -> kv.value.block())
                .thenComparingLong(kv -> kv.value.deadline()));
        for (KeyValue<String, Pending> kv : due) {
            pending.delete(kv.key);
            Pending p = kv.value;
            Approval approval = p.approval();
            Transfer transfer = p.transfer();
            if (approval != null) {
                checkApprovalSigned(approval, p.custodyGroup(), now);
                continue;
            }
            if (transfer == null) {
                continue;
            }
            UnauthorizedOutflowRule.check(transfer, p.custodyGroup(), reference, config.rules(p.custodyGroup()))
                    .ifPresent(f -> emit(f, now, now));
        }
        for (DrainAlert resolved : alerts.resolveQuiet(now, config.alertResolveAfter())) {
            if (FleetSignal.writtenByFleet(resolved)) {
                context.forward(new Record<>(
                        resolved.getCustodyGroup(), new StageOutput.Fleet(FleetSignal.ended(resolved)), now));
            } else {
                context.forward(new Record<>(resolved.getAlertId(), new StageOutput.Alert(resolved), now));
            }
        }
    }

    private void checkApprovalSigned(Approval a, String group, long now) {
        String key = Keys.address(a.chainId(), a.owner());
        Grants granted = orEmpty(grants.get(key));
        UnknownApprovalRule.checkSigned(a, group, granted, reference, config.rules(group))
                .ifPresent(f -> {
                    grants.put(key, granted.withApprovalSeverity(a.at().eventId(), f.severity()));
                    emit(f, now, now);
                });
    }

    private static Activity orEmpty(@Nullable Activity recent) {
        return recent == null ? Activity.empty() : recent;
    }

    private static Grants orEmpty(@Nullable Grants granted) {
        return granted == null ? Grants.empty() : granted;
    }

    private static WalletState orEmpty(WalletState state) {
        return state == null ? WalletState.empty() : state;
    }
}
