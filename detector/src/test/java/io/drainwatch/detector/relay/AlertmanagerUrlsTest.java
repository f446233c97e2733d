package io.drainwatch.detector.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.schemas.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertmanagerUrlsTest {

    @Test
    void theApiPathIsJoinedToTheBasePathAndTheQueryKept() {
        assertThat(AlertmanagerUrls.alertsEndpoint(URI.create("http://am:9093")))
                .hasToString("http://am:9093/api/v2/alerts");
        assertThat(AlertmanagerUrls.alertsEndpoint(URI.create("http://am:9093/")))
                .hasToString("http://am:9093/api/v2/alerts");
        assertThat(AlertmanagerUrls.alertsEndpoint(URI.create("https://proxy.example/alertmanager/?token=s%2F3")))
                .hasToString("https://proxy.example/alertmanager/api/v2/alerts?token=s%2F3");
        assertThat(AlertmanagerUrls.alertsEndpoint(URI.create("https://u:p@proxy.example:8443/am?a=1&b=2#frag")))
                .as("credentials go in the Authorization header, not in the request URL")
                .hasToString("https://proxy.example:8443/am/api/v2/alerts?a=1&b=2");
    }

    @Test
    void userInfoCredentialsBecomeABasicAuthorizationHeader() {
        assertThat(AlertmanagerUrls.basicAuthorization(URI.create("https://pager:s3cret@am.example:9093")))
                .contains("Basic cGFnZXI6czNjcmV0");
        assertThat(AlertmanagerUrls.basicAuthorization(URI.create("https://am.example:9093")))
                .isEmpty();
    }

    @Test
    void aConfigurationErrorDoesNotRepeatTheToken() {
        assertThatThrownBy(() -> new RelayConfig(
                        List.of(URI.create("ftp://am.example/hook?token=s3cret")),
                        Duration.ofMinutes(1),
                        Severity.CRITICAL,
                        "https://runbooks.example",
                        null,
                        Map.of(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ftp://am.example/***")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void postsGoToTheApiPathWithTheQueryOfTheConfiguredUrl() {
        try (FakeAlertmanager am = new FakeAlertmanager()) {
            AlertmanagerClient client =
                    new AlertmanagerClient(List.of(URI.create(am.url() + "/?token=s3cret")), Duration.ofSeconds(2));

            assertThat(client.post(List.of()).accepted()).isTrue();

            assertThat(am.requests()).singleElement().hasToString("/api/v2/alerts?token=s3cret");
        }
    }
}
