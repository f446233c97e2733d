package io.drainwatch.detector.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.detector.config.ConfigException;
import org.junit.jupiter.api.Test;

class RpcUrlTest {
    @Test
    void redactionKeepsSchemeHostAndPortOnly() {
        assertThat(RpcUrl.parse("--rpc-url", "https://eth-mainnet.g.alchemy.com/v2/SECRETKEY", "http", "https")
                        .redacted())
                .isEqualTo("https://eth-mainnet.g.alchemy.com/***");
        assertThat(RpcUrl.parse("--rpc-url", "https://user:pass@node.example:8545/?apikey=SECRET", "http", "https")
                        .redacted())
                .isEqualTo("https://node.example:8545/***");
        assertThat(RpcUrl.parse("--rpc-url", "http://127.0.0.1:8545", "http", "https")
                        .redacted())
                .isEqualTo("http://127.0.0.1:8545");
        assertThat(RpcUrl.parse("--ws-url", "wss://x.example/ws/KEY", "ws", "wss")
                        .toString())
                .doesNotContain("KEY");
    }

    @Test
    void aBadUrlNamesTheOptionWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> RpcUrl.parse("--rpc-url", "ftp://node.example/SECRET", "http", "https"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--rpc-url")
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> RpcUrl.parse("--rpc-url", "not a url SECRET", "http", "https"))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("SECRET");
    }
}
