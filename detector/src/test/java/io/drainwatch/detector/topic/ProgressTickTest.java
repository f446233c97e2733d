package io.drainwatch.detector.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTickTest {
    @Test
    void aTicksKeyGivesItsChainAndNoOtherKeyDoes() {
        assertThat(ProgressTick.chainOfKey(bytes(ProgressTick.key(1)))).isEqualTo(1);
        assertThat(ProgressTick.chainOfKey(bytes(ProgressTick.key(42_161)))).isEqualTo(42_161);
        assertThat(ProgressTick.chainOfKey(bytes(Keys.address(1, "0x" + "ab".repeat(20)))))
                .isEqualTo(-1);
        assertThat(ProgressTick.chainOfKey(bytes(":tick"))).isEqualTo(-1);
        assertThat(ProgressTick.chainOfKey(bytes("1:tock"))).isEqualTo(-1);
        assertThat(ProgressTick.chainOfKey(bytes("-1:tick"))).isEqualTo(-1);
        assertThat(ProgressTick.chainOfKey(bytes("1234567890123456789:tick")))
                .as("too long")
                .isEqualTo(-1);
        assertThat(ProgressTick.chainOfKey(null)).isEqualTo(-1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
