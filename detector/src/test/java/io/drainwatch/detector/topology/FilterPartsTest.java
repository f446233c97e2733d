package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.serde.AvroSerde;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FilterPartsTest {

  @Test
  void prefixFindsChainAndBothAddressesInTheEncodedRecord() {
    TransferEvent e = new Chain(Instant.EPOCH).eth(Chain.address(0xabc), Chain.address(0xdef), BigInteger.ONE, null, null);
    byte[] bytes = AvroSerde.of(TransferEvent.class).encode(e);
    TransferPrefix prefix = new TransferPrefix();
    prefix.parse(bytes);
    assertThat(prefix.chainId).isEqualTo(1);
    assertThat(new String(bytes, prefix.fromHex, 40, StandardCharsets.US_ASCII)).isEqualTo(Chain.address(0xabc).substring(2));
    assertThat(new String(bytes, prefix.toHex, 40, StandardCharsets.US_ASCII)).isEqualTo(Chain.address(0xdef).substring(2));
  }

  @Test
  void prefixRejectsWhatIsNotATransfer() {
    TransferPrefix prefix = new TransferPrefix();
    assertThatThrownBy(() -> prefix.parse("{\"from\":\"0x1\"}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SerializationException.class).hasMessageContaining("bad header");
    byte[] otherSchema = AvroSerde.of(io.drainwatch.schemas.BlockHead.class).encode(io.drainwatch.schemas.BlockHead.newBuilder()
        .setChainId(1).setNumber(1).setHash("0x1").setParentHash("0x0").setTime(Instant.EPOCH).build());
    assertThatThrownBy(() -> prefix.parse(otherSchema)).isInstanceOf(SerializationException.class).hasMessageContaining("unknown schema");
  }

  @Test
  void tableFindsWhatWasPutOnItsChainOnlyAndForgetsRemovals() {
    AddressTable table = new AddressTable();
    for (int i = 0; i < 5000; i++) {
      table.put(1, Chain.address(i * 7919), i % 3);
    }
    assertThat(table.size()).isEqualTo(5000);
    assertThat(table.get(1, Chain.address(7919 * 42))).isEqualTo(0);
    assertThat(table.get(1, Chain.address(7919 * 43))).isEqualTo(1);
    assertThat(table.get(137, Chain.address(7919 * 42))).isEqualTo(AddressTable.ABSENT);
    assertThat(table.get(1, Chain.address(7919 * 42 + 1))).isEqualTo(AddressTable.ABSENT);
    assertThat(table.get(1, Chain.address(7919 * 42).toUpperCase().replace("0X", "0x"))).as("case-insensitive hex").isEqualTo(0);
    table.remove(1, Chain.address(7919 * 42));
    assertThat(table.get(1, Chain.address(7919 * 42))).isEqualTo(AddressTable.ABSENT);
    assertThat(table.get(1, "0xnot-an-address-at-all-but-42-chars-long!")).isEqualTo(AddressTable.ABSENT);
  }

  @Test
  void readersNeverSeeAWrongAnswerWhileTheTableGrows() throws Exception {
    AddressTable table = new AddressTable();
    for (int i = 0; i < 1000; i++) {
      table.put(1, Chain.address(i), 7);
    }
    AtomicBoolean wrong = new AtomicBoolean();
    AtomicBoolean done = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        for (int i = 0; i < 1000; i++) {
          if (table.get(1, Chain.address(i)) != 7) {
            wrong.set(true);
          }
        }
      }
    });
    reader.start();
    for (int i = 1000; i < 200_000; i++) {
      table.put(1, Chain.address(i), 8);
    }
    done.set(true);
    reader.join();
    assertThat(wrong).as("an address present all along was always found").isFalse();
    assertThat(table.size()).isEqualTo(200_000);
  }
}
