package io.drainwatch.detector.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.relay.AlertmanagerClient.Outcome;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.Severity;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertmanagerClientTest {
    private final FakeAlertmanager first = new FakeAlertmanager();
    private final FakeAlertmanager second = new FakeAlertmanager();
    private final PostableAlert alert = new Pages(Records.config("http://am:9093"))
            .incident(Records.incident("inc-1", AlertStatus.FIRING, Severity.CRITICAL, 1))
            .toPostable(Instant.parse("2026-11-25T03:04:00Z"));

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    @Test
    void postsTheAlertToEveryAlertmanagerInTheV2Shape() {
        AlertmanagerClient client = client(first.url(), second.url() + "/");

        AlertmanagerClient.Delivery delivery = client.post(List.of(alert));

        assertThat(delivery.outcomes()).containsExactly(Outcome.ACCEPTED, Outcome.ACCEPTED);
        for (FakeAlertmanager am : List.of(first, second)) {
            assertThat(am.accepted()).singleElement().satisfies(body -> {
                assertThat(body.isArray()).isTrue();
                assertThat(body.get(0).get("labels").get("incident_id").asText())
                        .isEqualTo("inc-1");
                assertThat(body.get(0).get("annotations").get("value_lost_usd").asText())
                        .isEqualTo("$48,250.50");
                assertThat(body.get(0).get("endsAt").asText()).isEqualTo("2026-11-25T03:04:00Z");
            });
        }
    }

    @Test
    void oneAlertmanagerAcceptingIsEnough() throws Exception {
        AlertmanagerClient client = client(unusedPortUrl(), first.url());

        AlertmanagerClient.Delivery delivery = client.post(List.of(alert));

        assertThat(delivery.outcomes()).containsExactly(Outcome.FAILED, Outcome.ACCEPTED);
        assertThat(delivery.accepted()).isTrue();
    }

    @Test
    void serverErrorIsWorthRetryingButBadRequestIsNot() {
        first.answer(503);
        second.answer(400);

        assertThat(client(first.url()).post(List.of(alert)).accepted()).isFalse();
        assertThat(client(first.url()).post(List.of(alert)).rejectedByAll()).isFalse();
        assertThat(client(second.url()).post(List.of(alert)).rejectedByAll()).isTrue();
    }

    @Test
    void aRefusalAboutTheRequestRatherThanTheAlertsIsRetried() {
        for (int status : new int[] {401, 403, 404, 429}) {
            first.answer(status);

            AlertmanagerClient.Delivery delivery = client(first.url()).post(List.of(alert));

            assertThat(delivery.outcomes()).as("HTTP %d", status).containsExactly(Outcome.FAILED);
            assertThat(delivery.rejectedByAll()).isFalse();
        }
        for (int status : new int[] {400, 413, 422}) {
            first.answer(status);

            assertThat(client(first.url()).post(List.of(alert)).outcomes())
                    .as("HTTP %d", status)
                    .containsExactly(Outcome.REJECTED);
        }
    }

    private static AlertmanagerClient client(String... urls) {
        return new AlertmanagerClient(
                java.util.Arrays.stream(urls).map(URI::create).toList(), Duration.ofSeconds(2));
    }

    private static String unusedPortUrl() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
