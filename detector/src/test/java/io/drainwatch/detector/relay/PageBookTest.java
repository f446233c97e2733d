package io.drainwatch.detector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageBookTest {
    private static final Instant NOW = Instant.parse("2026-11-25T03:10:00Z");
    private final Pages pages = new Pages(Records.config("http://am:9093"));
    private final PageBook book = new PageBook(Duration.ofMinutes(4), Duration.ofMinutes(4), Duration.ofMinutes(1));

    @Test
    void newPageIsPendingUntilAccepted() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);

        PageBook.Batch batch = book.batch(NOW, false);
        assertThat(batch.alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(NOW.plus(Duration.ofMinutes(4))));
        assertThat(book.hasPending()).isTrue();

        book.accepted(NOW);
        assertThat(book.hasPending()).isFalse();
        assertThat(book.batch(NOW, false).isEmpty()).isTrue();
        assertThat(book.batch(NOW, true).alerts()).hasSize(1);
    }

    @Test
    void replayedPagesAreRepostedButNotPending() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1)), false, NOW);

        assertThat(book.hasPending()).isFalse();
        assertThat(book.batch(NOW, true).alerts()).hasSize(1);
    }

    @Test
    void escalationEndsTheOldLabelSet() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.HIGH, 1)), true, NOW);
        book.accepted(NOW);
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.UPDATED, Severity.CRITICAL, 2)), true, NOW);

        PageBook.Batch batch = book.batch(NOW, false);
        assertThat(batch.alerts()).hasSize(2);
        assertThat(batch.alerts().get(0).labels()).containsEntry("severity", "high");
        assertThat(batch.alerts().get(0).endsAt()).isEqualTo(NOW);
        assertThat(batch.alerts().get(1).labels()).containsEntry("severity", "critical");
        assertThat(batch.alerts().get(1).endsAt()).isAfter(NOW);
    }

    @Test
    void resolvedPageIsRepostedForTheRetentionThenForgotten() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);
        book.accepted(NOW);
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2)), true, NOW);
        Instant resolvedAt = Records.OPENED.plusSeconds(120);
        assertThat(book.batch(NOW, false).alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(resolvedAt));
        assertThat(book.firing(Page.Kind.INCIDENT)).isZero();

        book.expire(resolvedAt.plus(Duration.ofMinutes(5)));
        assertThat(book.tracks("incident/inc-1"))
                .as("still pending: must reach Alertmanager before it is forgotten")
                .isTrue();

        book.accepted(NOW);
        book.expire(resolvedAt.plus(Duration.ofMinutes(3)));
        assertThat(book.tracks("incident/inc-1")).isTrue();
        book.expire(resolvedAt.plus(Duration.ofMinutes(5)));
        assertThat(book.tracks("incident/inc-1")).isFalse();
    }

    @Test
    void deletedFiringPageIsEnded() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);
        book.accepted(NOW);
        book.remove("incident/inc-1", true, NOW);

        assertThat(book.batch(NOW, false).alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(NOW));
    }

    @Test
    void anIncidentThatEndedBeforeAlertmanagerEverAcceptedItIsShownFiringFirst() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);
        // Alertmanager is down; the incident resolves meanwhile.
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2)), true, NOW);

        assertThat(book.batch(NOW, false).alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).as("still firing").isAfter(NOW));
        book.accepted(NOW);
        assertThat(book.hasPending()).as("the end still has to be delivered").isTrue();
        assertThat(book.hasPostable()).isFalse();

        book.releaseHeldEnds(NOW.plusSeconds(59));
        assertThat(book.hasPostable()).isFalse();
        book.releaseHeldEnds(NOW.plusSeconds(60));
        assertThat(book.batch(NOW.plusSeconds(60), false).alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(Records.OPENED.plusSeconds(120)));
        book.accepted(NOW.plusSeconds(60));
        assertThat(book.hasPending()).isFalse();
    }

    @Test
    void aPageEveryAlertmanagerRejectedIsLeftOutOfPostsUntilItChanges() {
        book.put(pages.incident(Records.incident("inc-bad", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);
        book.put(pages.incident(Records.incident("inc-ok", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);
        PageBook.Batch batch = book.batch(NOW, false);
        assertThat(batch.keys())
                .extracting(k -> k.orElseThrow())
                .containsExactly("incident/inc-bad", "incident/inc-ok");

        book.rejected("incident/inc-bad");
        book.accepted(NOW);

        assertThat(book.hasPending()).isFalse();
        assertThat(book.batch(NOW, true).alerts())
                .as("the periodic re-post leaves the rejected page out")
                .extracting(a -> a.labels().get("incident_id"))
                .containsExactly("inc-ok");
        book.put(pages.incident(Records.incident("inc-bad", AlertStatus.UPDATED, Severity.CRITICAL, 2)), true, NOW);
        assertThat(book.batch(NOW, false).alerts())
                .as("its next change is tried again")
                .extracting(a -> a.labels().get("incident_id"))
                .containsExactly("inc-bad");
    }

    @Test
    void theEndOfAFiringStateEveryAlertmanagerRejectedDoesNotWait() {
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1)), true, NOW);
        book.put(pages.incident(Records.incident("inc-1", AlertStatus.RESOLVED, Severity.CRITICAL, 2)), true, NOW);
        assertThat(book.batch(NOW, false).alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isAfter(NOW));

        book.rejected("incident/inc-1");
        book.accepted(NOW);

        assertThat(book.hasPostable()).isTrue();
        assertThat(book.batch(NOW, false).alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.endsAt()).isEqualTo(Records.OPENED.plusSeconds(120)));
        book.accepted(NOW);
        assertThat(book.hasPending()).isFalse();
    }
}
