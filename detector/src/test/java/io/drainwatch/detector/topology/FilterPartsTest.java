package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drainwatch.schemas.TransferEvent;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FilterPartsTest {

    @Test
    void prefixFindsChainAndBothAddressesInTheEncodedRecord() {
        TransferEvent e =
                new Chain(Instant.EPOCH).eth(Chain.address(0xabc), Chain.address(0xdef), BigInteger.ONE, null, null);
        byte[] bytes = AvroSerde.of(TransferEvent.class).encode(e);
        TransferPrefix prefix = new TransferPrefix();
        prefix.parse(bytes);
        assertThat(prefix.chainId).isEqualTo(1);
        assertThat(new String(bytes, prefix.fromHex, 40, StandardCharsets.US_ASCII))
                .isEqualTo(Chain.address(0xabc).substring(2));
        assertThat(new String(bytes, prefix.toHex, 40, StandardCharsets.US_ASCII))
                .isEqualTo(Chain.address(0xdef).substring(2));
    }

    @Test
    void prefixRejectsWhatIsNotATransfer() {
        TransferPrefix prefix = new TransferPrefix();
        assertThatThrownBy(() -> prefix.parse("{\"from\":\"0x1\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bad header");
        byte[] otherSchema = AvroSerde.of(io.drainwatch.schemas.BlockHead.class)
                .encode(io.drainwatch.schemas.BlockHead.newBuilder()
                        .setChainId(1)
                        .setNumber(1)
                        .setHash("0x1")
                        .setParentHash("0x0")
                        .setTime(Instant.EPOCH)
                        .build());
        assertThatThrownBy(() -> prefix.parse(otherSchema))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown schema");
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
        assertThat(table.get(1, Chain.address(7919 * 42).toUpperCase().replace("0X", "0x")))
                .as("case-insensitive hex")
                .isEqualTo(0);
        table.remove(1, Chain.address(7919 * 42));
        assertThat(table.get(1, Chain.address(7919 * 42))).isEqualTo(AddressTable.ABSENT);
        assertThat(table.get(1, "0xnot-an-address-at-all-but-42-chars-long!")).isEqualTo(AddressTable.ABSENT);
    }

    @Test
    void tableAgreesWithAMapThroughGrowthDeletionsAndASnapshotRoundTrip() throws Exception {
        AddressTable table = new AddressTable();
        Map<String, Integer> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            String address = Chain.address(random.nextInt(60_000));
            if (random.nextInt(4) == 0) {
                table.remove(1, address);
                model.remove(address);
            } else {
                int value = random.nextInt(1000);
                table.put(1, address, value);
                model.put(address, value);
            }
        }
        assertThat(table.size()).isEqualTo(model.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.writeTo(new DataOutputStream(bytes));
        AddressTable copy = new AddressTable();
        copy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(copy.size()).isEqualTo(model.size());
        for (int n = 0; n < 60_000; n++) {
            String address = Chain.address(n);
            int expected = model.getOrDefault(address, AddressTable.ABSENT);
            assertThat(table.get(1, address)).as(address).isEqualTo(expected);
            assertThat(copy.get(1, address)).as(address).isEqualTo(expected);
        }
        copy.clear();
        assertThat(copy.size()).isZero();
        assertThat(copy.get(1, Chain.address(1))).isEqualTo(AddressTable.ABSENT);
    }

    @Test
    void batchedChecksAgreeWithOneAtATimeAcrossBatchBoundaries() {
        WatchedWalletsStore store = new WatchedWalletsStore();
        AvroSerde<WatchedWallet> wallets = AvroSerde.of(WatchedWallet.class);
        for (int i = 0; i < 1000; i += 7) {
            store.apply(
                    null,
                    wallets.encode(WatchedWallet.newBuilder()
                            .setChainId(1)
                            .setAddress(Chain.address(i))
                            .setCustodyGroup("hot")
                            .build()));
        }
        AvroSerde<TransferEvent> transfers = AvroSerde.of(TransferEvent.class);
        Chain chain = new Chain(Instant.EPOCH);
        int n = 1000; // several batches of the lookup table's size
        byte[][] values = new byte[n][];
        boolean[] expected = new boolean[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (i % 10) {
                case 3 -> null;
                case 5 -> "not a transfer".getBytes(StandardCharsets.UTF_8);
                case 6 ->
                    transfers.encode(chain.eth(
                            Chain.address(i),
                            "0xnot-an-address-at-all-but-42-chars-long!",
                            BigInteger.ONE,
                            null,
                            null));
                default ->
                    transfers.encode(
                            chain.eth(Chain.address(i), Chain.address(i * 13 % 1000), BigInteger.ONE, null, null));
            };
            expected[i] = new WatchedTransferCheck(store).ignorable(values[i]);
        }
        boolean[] batched = new boolean[n];
        new WatchedTransferCheck(store).ignorable(values, n, batched);

        assertThat(batched).containsExactly(expected);
        int kept = 0;
        for (boolean ignorable : batched) {
            kept += ignorable ? 0 : 1;
        }
        assertThat(kept)
                .as("watched senders or recipients, tombstones and non-transfers go on; the rest is dropped")
                .isBetween(300, 600);
        assertThat(batched[21]).as("a watched sender").isFalse();
        assertThat(batched[1]).as("1 and 13 are not watched").isTrue();
        assertThat(batched[3]).as("a tombstone").isFalse();
        assertThat(batched[5]).as("not a transfer").isFalse();
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
        Thread batchReader = new Thread(() -> {
            AddressTable.Batch batch = new AddressTable.Batch();
            byte[][] addresses = new byte[1000][];
            for (int i = 0; i < 1000; i++) {
                addresses[i] = Chain.address(i).getBytes(StandardCharsets.US_ASCII);
            }
            while (!done.get()) {
                for (int i = 0; i < 1000; i++) {
                    batch.add(1, addresses[i], 2);
                    if (batch.full() || i == 999) {
                        table.getAll(batch);
                        for (int k = 0; k < batch.size(); k++) {
                            if (batch.value(k) != 7) {
                                wrong.set(true);
                            }
                        }
                        batch.clear();
                    }
                }
            }
        });
        reader.start();
        batchReader.start();
        for (int i = 1000; i < 200_000; i++) {
            table.put(1, Chain.address(i), 8);
        }
        done.set(true);
        reader.join();
        batchReader.join();
        assertThat(wrong)
                .as("an address present all along was always found, one at a time and in batches")
                .isFalse();
        assertThat(table.size()).isEqualTo(200_000);
    }
}
