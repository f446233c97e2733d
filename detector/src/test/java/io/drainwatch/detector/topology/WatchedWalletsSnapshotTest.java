package io.drainwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.WatchedWallet;
import io.drainwatch.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watched-wallets store's snapshot: what a restarted detector holds before it replays the changes of
 * the wallets topic since, and the offsets from which Kafka Streams replays them.
 */
class WatchedWalletsSnapshotTest {
    private static final String A = "0x00000000000000000000000000000000000000a1";
    private static final String B = "0x00000000000000000000000000000000000000b2";
    private static final String C = "0x00000000000000000000000000000000000000c3";
    private static final TopicPartition WALLETS_0 = new TopicPartition("drainwatch.wallets", 0);
    private static final TopicPartition WALLETS_1 = new TopicPartition("drainwatch.wallets", 1);

    @TempDir
    Path stateDir;

    @Test
    void aRestartedStoreHoldsWhatWasCommittedWithItsOffsets() {
        WatchedWalletsStore before = open();
        before.apply(key(A), wallet(A, "retail"));
        before.apply(key(B), wallet(B, "treasury"));
        before.apply(key(C), wallet(C, "retail"));
        before.apply(key(C), null); // C is no longer watched
        before.commit(Map.of(WALLETS_0, 42L, WALLETS_1, 7L));
        before.apply(key(C), wallet(C, "retail")); // after the commit: replayed from the topic, not in the snapshot
        before.close();

        WatchedWalletsStore after = open();
        assertThat(after.size()).isEqualTo(2);
        assertThat(after.group(1, A)).contains("retail");
        assertThat(after.group(1, B)).contains("treasury");
        assertThat(after.group(1, C)).isEmpty();
        assertThat(after.committedOffset(WALLETS_0)).isEqualTo(42L);
        assertThat(after.committedOffset(WALLETS_1)).isEqualTo(7L);
        assertThat(after.persistent()).isTrue();
        assertThat(after.managesOffsets()).isTrue();
    }

    @Test
    void aDamagedSnapshotIsDroppedAndTheStoreRebuiltFromTheStartOfTheTopic() throws Exception {
        WatchedWalletsStore before = open();
        before.apply(key(A), wallet(A, "retail"));
        before.commit(Map.of(WALLETS_0, 42L));
        Path snapshot = stateDir.resolve("watched-wallets.snapshot");
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(snapshot, bytes);

        WatchedWalletsStore after = open();
        assertThat(after.size()).isZero();
        assertThat(after.committedOffset(WALLETS_0)).isNull();
        assertThat(snapshot).doesNotExist();
    }

    @Test
    void aSnapshotOfATopicDeletedAndCreatedAgainIsNotUsed() {
        WatchedWalletsStore before = open();
        before.apply(key(A), wallet(A, "retail"));
        before.commit(Map.of(WALLETS_0, 42L));

        WatchedWalletsStore after = open(context(), "topic-id-2");
        assertThat(after.size()).isZero();
        assertThat(after.committedOffset(WALLETS_0)).isNull();
        assertThat(stateDir.resolve("watched-wallets.snapshot")).doesNotExist();
    }

    @Test
    void withoutTheTopicsIdNoSnapshotIsReadOrWritten() {
        WatchedWalletsStore before = open();
        before.apply(key(A), wallet(A, "retail"));
        before.commit(Map.of(WALLETS_0, 42L));

        WatchedWalletsStore unknown = new WatchedWalletsStore();
        unknown.init(context().getStateStoreContext(), unknown);
        assertThat(unknown.size()).isZero();
        unknown.apply(key(B), wallet(B, "retail"));
        unknown.commit(Map.of(WALLETS_0, 50L));
        assertThat(open().committedOffset(WALLETS_0))
                .as("the snapshot written with the id")
                .isEqualTo(42L);
    }

    @Test
    void withoutASnapshotTheStoreStartsEmptyAndReplaysTheWholeTopic() {
        WatchedWalletsStore store = open();
        assertThat(store.size()).isZero();
        assertThat(store.committedOffset(WALLETS_0)).isNull();
    }

    private WatchedWalletsStore open() {
        return open(context(), "topic-id-1");
    }

    private MockProcessorContext<Void, Void> context() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "snapshot-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new MockProcessorContext<>(config, new TaskId(0, 0), stateDir.toFile());
    }

    private static WatchedWalletsStore open(MockProcessorContext<Void, Void> context, String topicId) {
        WatchedWalletsStore store = new WatchedWalletsStore();
        store.expectTopicId(topicId);
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static byte[] key(String address) {
        return Keys.address(1, address).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wallet(String address, String group) {
        return AvroSerde.of(WatchedWallet.class)
                .encode(WatchedWallet.newBuilder()
                        .setChainId(1)
                        .setAddress(address)
                        .setCustodyGroup(group)
                        .build());
    }
}
