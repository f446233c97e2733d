package io.drainwatch.detector.alert;

import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.detector.rules.FleetSurgeRule;
import io.drainwatch.schemas.AlertStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One custody group as the fleet stage sees it: wallets drained recently, the learned normal number
 * of drained wallets per window, the open incident if any, and the estimated value its watched
 * wallets still hold. Immutable; each change returns the next state.
 *
 * @param recent wallets drained within the surge window while no incident is open
 * @param bucket the index of the current surge window (block time / window), for learning the normal
 * @param bucketCount wallets newly drained in the current window
 */
public record FleetState(
    Map<String, DrainedWallet> recent,
    double normal,
    long bucket,
    int bucketCount,
    @Nullable Incident incident,
    double atRiskUsd) {

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  public static FleetState empty() {
    return new FleetState(Map.of(), 0, Long.MIN_VALUE, 0, null, 0);
  }

  /** One piece of evidence that drained a wallet. */
  public record Hit(@Nullable Double usd, @Nullable String destination, String rule, String alertId) {}

  /** A drained wallet and its evidence, by event id (so one transfer flagged by two rules counts once). */
  public record DrainedWallet(String wallet, long chainId, long firstTime, long lastTime, Map<String, Hit> hits) {
    DrainedWallet with(DrainSignal s) {
      Map<String, Hit> next = new LinkedHashMap<>(hits);
      Hit previous = next.get(s.eventId());
      next.put(s.eventId(), new Hit(s.usd() != null ? s.usd() : previous == null ? null : previous.usd(), s.destination(), s.rule(), s.alertId()));
      return new DrainedWallet(wallet, chainId, Math.min(firstTime, s.blockTime()), Math.max(lastTime, s.blockTime()), next);
    }

    @Nullable DrainedWallet without(String eventId) {
      Map<String, Hit> next = new LinkedHashMap<>(hits);
      next.remove(eventId);
      return next.isEmpty() ? null : new DrainedWallet(wallet, chainId, firstTime, lastTime, next);
    }

    double usd() {
      return hits.values().stream().map(Hit::usd).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).sum();
    }
  }

  /** The open incident: the unit that pages. */
  public record Incident(String incidentId, long openedAt, long lastChange, int version, Map<String, DrainedWallet> wallets) {}

  /** The result of a change: the next state and, when the incident changed, its new status. */
  public record Change(FleetState state, Optional<AlertStatus> incident) {}

  public Change onDrain(String group, DrainSignal s, RuleSettings rules, long now) {
    if (s.retracted()) {
      return onRetraction(s, now);
    }
    long window = rules.surgeWindow().toMillis();
    long signalBucket = Math.floorDiv(s.blockTime(), window);
    double nextNormal = normal;
    long nextBucket = bucket;
    int nextCount = bucketCount;
    if (bucket == Long.MIN_VALUE) {
      nextBucket = signalBucket;
    } else if (signalBucket > bucket) {
      nextNormal = FleetSurgeRule.learn(normal, bucketCount, signalBucket - bucket);
      nextBucket = signalBucket;
      nextCount = 0;
    }
    boolean newWallet = !recent.containsKey(s.wallet()) && (incident == null || !incident.wallets().containsKey(s.wallet()));
    if (newWallet) {
      nextCount++;
    }
    if (incident != null) {
      Map<String, DrainedWallet> wallets = new LinkedHashMap<>(incident.wallets());
      DrainedWallet existing = wallets.get(s.wallet());
      if (existing != null && existing.hits().containsKey(s.eventId()) && existing.hits().get(s.eventId()).rule().equals(s.rule())) {
        return new Change(new FleetState(recent, nextNormal, nextBucket, nextCount, incident, atRiskUsd), Optional.empty());
      }
      wallets.put(s.wallet(), existing == null ? fresh(s) : existing.with(s));
      Incident next = new Incident(incident.incidentId(), incident.openedAt(), now, incident.version() + 1, wallets);
      return new Change(new FleetState(recent, nextNormal, nextBucket, nextCount, next, atRiskUsd), Optional.of(AlertStatus.UPDATED));
    }
    Map<String, DrainedWallet> kept = new LinkedHashMap<>();
    recent.forEach((w, d) -> {
      if (d.lastTime() >= s.blockTime() - window) {
        kept.put(w, d);
      }
    });
    DrainedWallet existing = kept.get(s.wallet());
    kept.put(s.wallet(), existing == null ? fresh(s) : existing.with(s));
    if (!FleetSurgeRule.surging(kept.size(), normal, rules)) {
      return new Change(new FleetState(kept, nextNormal, nextBucket, nextCount, null, atRiskUsd), Optional.empty());
    }
    long first = kept.values().stream().mapToLong(DrainedWallet::firstTime).min().orElse(s.blockTime());
    String id = "inc-" + group + "-" + ID_TIME.format(Instant.ofEpochMilli(first));
    Incident opened = new Incident(id, now, now, 1, kept);
    return new Change(new FleetState(Map.of(), nextNormal, nextBucket, nextCount, opened, atRiskUsd), Optional.of(AlertStatus.FIRING));
  }

  private Change onRetraction(DrainSignal s, long now) {
    Map<String, DrainedWallet> nextRecent = removeHit(recent, s);
    if (incident == null || !incident.wallets().containsKey(s.wallet())) {
      return new Change(new FleetState(nextRecent, normal, bucket, bucketCount, incident, atRiskUsd), Optional.empty());
    }
    Map<String, DrainedWallet> wallets = removeHit(incident.wallets(), s);
    if (wallets.isEmpty()) {
      return new Change(new FleetState(nextRecent, normal, bucket, bucketCount, null, atRiskUsd), Optional.of(AlertStatus.RETRACTED));
    }
    Incident next = new Incident(incident.incidentId(), incident.openedAt(), now, incident.version() + 1, wallets);
    return new Change(new FleetState(nextRecent, normal, bucket, bucketCount, next, atRiskUsd), Optional.of(AlertStatus.UPDATED));
  }

  /** Resolves the incident when it has had no new evidence for {@code quiet} milliseconds. */
  public Change onTick(long now, long quiet) {
    if (incident == null || now - incident.lastChange() < quiet) {
      return new Change(this, Optional.empty());
    }
    return new Change(new FleetState(Map.of(), normal, bucket, bucketCount, null, atRiskUsd), Optional.of(AlertStatus.RESOLVED));
  }

  public FleetState withValueDelta(double delta) {
    return new FleetState(recent, normal, bucket, bucketCount, incident, Math.max(0, atRiskUsd + delta));
  }

  /** The incident's new version number for a status change that removes it (RESOLVED, RETRACTED). */
  public Incident ended() {
    if (incident == null) {
      throw new IllegalStateException("no open incident");
    }
    return new Incident(incident.incidentId(), incident.openedAt(), incident.lastChange(), incident.version() + 1, incident.wallets());
  }

  private static DrainedWallet fresh(DrainSignal s) {
    return new DrainedWallet(s.wallet(), s.chainId(), s.blockTime(), s.blockTime(), Map.of()).with(s);
  }

  private static Map<String, DrainedWallet> removeHit(Map<String, DrainedWallet> wallets, DrainSignal s) {
    Map<String, DrainedWallet> next = new LinkedHashMap<>(wallets);
    DrainedWallet w = next.get(s.wallet());
    if (w != null) {
      DrainedWallet rest = w.without(s.eventId());
      if (rest == null) {
        next.remove(s.wallet());
      } else {
        next.put(s.wallet(), rest);
      }
    }
    return next;
  }

  /** Chain ids seen in a set of wallets. */
  static Set<Long> chains(Map<String, DrainedWallet> wallets) {
    Set<Long> ids = new LinkedHashSet<>();
    wallets.values().forEach(w -> ids.add(w.chainId()));
    return ids;
  }

  static Map<String, double[]> destinations(Map<String, DrainedWallet> wallets) {
    // destination -> {distinct wallets, usd}
    Map<String, double[]> byDestination = new HashMap<>();
    for (DrainedWallet w : wallets.values()) {
      Set<String> counted = new java.util.HashSet<>();
      for (Hit h : w.hits().values()) {
        if (h.destination() == null) {
          continue;
        }
        double[] agg = byDestination.computeIfAbsent(h.destination(), d -> new double[2]);
        if (counted.add(h.destination())) {
          agg[0]++;
        }
        if (h.usd() != null) {
          agg[1] += h.usd();
        }
      }
    }
    return byDestination;
  }
}
