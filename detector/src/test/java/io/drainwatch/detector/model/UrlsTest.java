package io.drainwatch.detector.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void redactionKeepsSchemeHostAndPortOnly() {
        assertThat(Urls.redacted(URI.create("http://am-0:9093"))).isEqualTo("http://am-0:9093");
        assertThat(Urls.redacted(URI.create("http://am-0:9093/"))).isEqualTo("http://am-0:9093");
        assertThat(Urls.redacted(URI.create("https://user:s3cret@am.example"))).isEqualTo("https://am.example/***");
        assertThat(Urls.redacted(URI.create("https://am.example/t/s3cret"))).isEqualTo("https://am.example/***");
        assertThat(Urls.redacted(URI.create("https://am.example:8443/?token=s3cret")))
                .isEqualTo("https://am.example:8443/***");
        assertThat(Urls.redact("http://am:9093/ s3cret")).isEqualTo("<unparseable url>");
    }
}
