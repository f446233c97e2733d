package io.drainwatch.detector.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The relay's memory: the latest page of every incident and alert that fires (or ended recently), and
 * which of them Alertmanager has not accepted yet. Rebuilt on start by replaying the topics. Not
 * thread-safe: the relay loop owns it.
 *
 * <p>A page that ends before Alertmanager ever accepted it firing (Alertmanager was down for its whole
 * life) is not lost: it is posted firing first and its end is held back until the firing state has been
 * accepted for {@code minFiring}, so Alertmanager notifies it, then resolves it.
 *
 * <p>Alertmanager identifies an alert by its labels. When a page's labels change (an incident
 * escalates from high to critical), the old label set is posted as ended, so it does not linger as a
 * second firing alert until its hold expires.
 *
 * <p>A page that every Alertmanager rejected on its own is dropped: it is left out of later posts,
 * so it cannot take valid pages down with it, until its next record changes it.
 */
public final class PageBook {
    private final Duration holdOpen;
    private final Duration resolvedRetention;
    private final Duration minFiring;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<PostableAlert> superseded = new ArrayList<>();

    private static final class Entry {
        Page page;
        boolean pending;
        /** When Alertmanager first accepted this page firing; null while it never has. */
        @Nullable
        Instant firingAcceptedAt;
        /** The end of a page whose firing state Alertmanager has not accepted yet, held back. */
        @Nullable
        Page heldEnd;
        /** Every Alertmanager refused this state as invalid: not posted again until it changes. */
        boolean rejected;

        Entry(Page page, boolean pending) {
            this.page = page;
            this.pending = pending;
            // Replayed pages were accepted before the restart.
            this.firingAcceptedAt = pending ? null : Instant.EPOCH;
        }
    }

    /**
     * @param holdOpen how far in the future a firing page's {@code endsAt} is set on each post
     * @param resolvedRetention how long an ended page is still re-posted, so an Alertmanager that missed
     *     the end learns it
     * @param minFiring how long a page that Alertmanager never saw firing is shown firing before its end
     */
    public PageBook(Duration holdOpen, Duration resolvedRetention, Duration minFiring) {
        this.holdOpen = holdOpen;
        this.resolvedRetention = resolvedRetention;
        this.minFiring = minFiring;
    }

    /** Whether a page is known under {@code key}. */
    public boolean tracks(String key) {
        return entries.containsKey(key);
    }

    /**
     * Records the latest state of a page. {@code pending} says whether Alertmanager still has to hear
     * about it (false while replaying records that were accepted before the last restart).
     */
    public void put(Page page, boolean pending, Instant now) {
        Entry previous = entries.get(page.key());
        if (previous == null) {
            entries.put(page.key(), new Entry(page, pending));
            return;
        }
        if (pending && previous.page.firing() && previous.firingAcceptedAt == null && !page.firing()) {
            // Never accepted firing: keep showing it firing (with the latest labels) until Alertmanager has.
            previous.heldEnd = page;
            previous.rejected = false;
            previous.pending = true;
            return;
        }
        if (pending && previous.page.firing() && !previous.page.labels().equals(page.labels())) {
            superseded.add(previous.page.toResolved(now));
        }
        previous.page = page;
        previous.heldEnd = null;
        previous.rejected = false;
        previous.pending = previous.pending || pending;
    }

    /** Releases held ends whose firing state Alertmanager has accepted for at least the minimum. */
    public void releaseHeldEnds(Instant now) {
        for (Entry entry : entries.values()) {
            if (entry.heldEnd != null
                    && entry.firingAcceptedAt != null
                    && !entry.firingAcceptedAt.plus(minFiring).isAfter(now)) {
                if (!entry.page.labels().equals(entry.heldEnd.labels())) {
                    superseded.add(entry.page.toResolved(now));
                }
                entry.page = entry.heldEnd;
                entry.heldEnd = null;
                entry.rejected = false;
                entry.pending = true;
            }
        }
    }

    /** Forgets a page whose record was deleted; if it still fired, it is posted as ended. */
    public void remove(String key, boolean pending, Instant now) {
        Entry previous = entries.remove(key);
        if (previous != null && pending && previous.page.firing()) {
            superseded.add(previous.page.toResolved(now));
        }
    }

    /** Whether anything waits for Alertmanager to accept it (held ends included). */
    public boolean hasPending() {
        return !superseded.isEmpty() || entries.values().stream().anyMatch(e -> e.pending);
    }

    /** Whether a change waits to be posted now (a held end waits for its time, not for a post). */
    public boolean hasPostable() {
        return !superseded.isEmpty()
                || entries.values().stream()
                        .anyMatch(e -> e.pending && (e.heldEnd == null || e.firingAcceptedAt == null));
    }

    /**
     * What to post now: with {@code everything}, every tracked page (the periodic re-post that keeps
     * firing pages open); otherwise only pending ones. Firing pages are held open until now + hold.
     */
    public Batch batch(Instant now, boolean everything) {
        List<PostableAlert> alerts = new ArrayList<>(superseded);
        List<Optional<String>> keys = new ArrayList<>(Collections.nCopies(superseded.size(), Optional.empty()));
        List<Page> changed = new ArrayList<>();
        Instant holdUntil = now.plus(holdOpen);
        for (Entry entry : entries.values()) {
            if (entry.rejected) {
                continue;
            }
            boolean post = entry.pending && (entry.heldEnd == null || entry.firingAcceptedAt == null);
            if (post) {
                changed.add(entry.page);
            }
            if (post || everything) {
                alerts.add(entry.page.toPostable(holdUntil));
                keys.add(Optional.of(entry.page.key()));
            }
        }
        return new Batch(List.copyOf(alerts), List.copyOf(keys), List.copyOf(changed), superseded.size());
    }

    /**
     * Every Alertmanager rejected the page under {@code key} as invalid: it is left out of posts until
     * its next change. Call {@link #accepted} after it for the rest of the post.
     */
    public void rejected(String key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            entry.rejected = true;
        }
    }

    /**
     * Alertmanager accepted everything pending at {@code now} (but what {@link #rejected} dropped):
     * nothing waits any more but held ends.
     */
    public void accepted(Instant now) {
        superseded.clear();
        for (Entry entry : entries.values()) {
            if (entry.rejected) {
                entry.pending = false;
                if (entry.heldEnd != null) {
                    // Its firing state was refused, so its end has nothing to wait for.
                    entry.page = entry.heldEnd;
                    entry.heldEnd = null;
                    entry.rejected = false;
                    entry.pending = true;
                }
                continue;
            }
            if (entry.page.firing() && entry.firingAcceptedAt == null) {
                entry.firingAcceptedAt = now;
            }
            entry.pending = entry.heldEnd != null;
        }
    }

    /** Drops ended pages that Alertmanager accepted more than the retention ago. */
    public void expire(Instant now) {
        entries.values()
                .removeIf(e -> !e.pending
                        && e.heldEnd == null
                        && e.page.resolvedAt() != null
                        && e.page.resolvedAt().plus(resolvedRetention).isBefore(now));
    }

    /** Pages of {@code kind} that still fire. */
    public int firing(Page.Kind kind) {
        return (int) entries.values().stream()
                .filter(e -> e.page.kind() == kind && e.page.firing())
                .count();
    }

    /** The latest page of every incident that still fires. */
    public List<Page> firingIncidents() {
        return entries.values().stream()
                .map(e -> e.page)
                .filter(p -> p.kind() == Page.Kind.INCIDENT && p.firing())
                .toList();
    }

    /** Pages of {@code kind} Alertmanager has not accepted yet. */
    public int pending(Page.Kind kind) {
        return (int) entries.values().stream()
                .filter(e -> e.pending && e.page.kind() == kind)
                .count();
    }

    /** The latest page under {@code key}, if tracked. */
    public java.util.Optional<Page> page(String key) {
        Entry entry = entries.get(key);
        return entry == null ? java.util.Optional.empty() : java.util.Optional.of(entry.page);
    }

    /**
     * One post's worth of alerts.
     *
     * @param alerts the body of the post
     * @param keys the page key of each alert, in the same order; empty for an ended old label set
     * @param changed the pages whose new state this post delivers (for counting)
     * @param superseded how many ended label sets it carries
     */
    public record Batch(List<PostableAlert> alerts, List<Optional<String>> keys, List<Page> changed, int superseded) {
        public boolean isEmpty() {
            return alerts.isEmpty();
        }
    }
}
