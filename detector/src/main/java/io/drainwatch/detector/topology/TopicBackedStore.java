package io.drainwatch.detector.topology;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A global store held in memory and filled from its topic, one record at a time through {@link #apply}:
 * the topic is its changelog. A store that {@linkplain #snapshots() snapshots} also writes what it holds,
 * with the topic offsets it covers, to a file in the global state folder at each of Kafka Streams'
 * commits, and reads it back at start: a restart then replays only what the topic gained since, instead
 * of the whole topic (a few seconds at a million wallets). A snapshot that cannot be read, or that was
 * written for another topic of the same name (deleted and created again), is deleted and the store
 * rebuilt from the topic.
 */
abstract class TopicBackedStore implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(TopicBackedStore.class);
    private static final int MAGIC = 0x44575332; // "DWS2"

    private final String name;
    private volatile boolean open;
    private final Map<TopicPartition, Long> offsets = new HashMap<>();
    /** The snapshot file, set at the first {@link #init}. */
    private @Nullable Path snapshot;
    /** The id Kafka gave the store's topic: a snapshot of a topic since deleted and created again is not used. */
    private volatile @Nullable String topicId;

    TopicBackedStore(String name) {
        this.name = name;
    }

    /** Applies one record of the store's topic (a tombstone has no value). */
    abstract void apply(byte @Nullable [] key, byte @Nullable [] value);

    /**
     * The id of the store's topic as Kafka knows it ({@code Admin.describeTopics}), set before Kafka Streams
     * starts. Without it the store neither loads nor writes a snapshot, since it could not tell a snapshot of
     * this topic from one of a topic that was deleted and created again under the same name.
     */
    void expectTopicId(@Nullable String id) {
        this.topicId = id;
    }

    /** Whether this store keeps a snapshot; if so it implements the three methods below. */
    boolean snapshots() {
        return false;
    }

    /** Forgets everything held. */
    void clear() {
        throw new UnsupportedOperationException(name + " keeps no snapshot");
    }

    /** Writes everything held (called on the thread that applies records, between two of them). */
    void writeSnapshot(DataOutputStream out) throws IOException {
        throw new UnsupportedOperationException(name + " keeps no snapshot");
    }

    /** Adds what {@link #writeSnapshot} wrote to the (cleared) store. */
    void readSnapshot(DataInputStream in) throws IOException {
        throw new UnsupportedOperationException(name + " keeps no snapshot");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void init(StateStoreContext context, StateStore root) {
        offsets.clear();
        // Only at start: when Kafka Streams initialises the store again while the stream threads read it, it
        // keeps what it holds (the lookups go on answering) and is rebuilt from the start of the topic on top.
        if (snapshots() && snapshot == null) {
            clear();
            snapshot = context.stateDir().toPath().resolve(name + ".snapshot");
            String id = topicId;
            if (id != null) {
                load(snapshot, id);
            }
        }
        context.register(root, this::apply);
        open = true;
    }

    private void load(Path file, String id) {
        long began = System.nanoTime();
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32());
            DataInputStream in = new DataInputStream(checked);
            if (in.readInt() != MAGIC) {
                throw new IOException("not a snapshot of this version of drainwatch");
            }
            String written = in.readUTF();
            if (!written.equals(id)) {
                throw new IOException("a snapshot of another topic (id " + written + ", now " + id + ")");
            }
            int partitions = in.readInt();
            Map<TopicPartition, Long> read = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                read.put(new TopicPartition(in.readUTF(), in.readInt()), in.readLong());
            }
            readSnapshot(in);
            long expected = checked.getChecksum().getValue();
            if (in.readLong() != expected) {
                throw new IOException("checksum mismatch");
            }
            offsets.putAll(read);
            LOG.info(
                    "event=snapshot_loaded store={} offsets={} seconds={}",
                    name,
                    offsets,
                    String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - began) / 1e9));
        } catch (NoSuchFileException e) {
            // first start, or the state folder was wiped: rebuilt from the topic
        } catch (IOException | RuntimeException e) {
            LOG.warn("event=snapshot_unreadable store={} action=rebuild_from_topic reason=\"{}\"", name, e.toString());
            clear();
            offsets.clear();
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the next commit replaces it
            }
        }
    }

    @Override
    public final void commit(Map<TopicPartition, Long> changelogOffsets) {
        Path file = snapshot;
        String id = topicId;
        if (file == null || id == null || changelogOffsets.isEmpty() || changelogOffsets.equals(offsets)) {
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream raw = Files.newOutputStream(tmp)) {
                CheckedOutputStream checked =
                        new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), new CRC32());
                DataOutputStream out = new DataOutputStream(checked);
                out.writeInt(MAGIC);
                out.writeUTF(id);
                out.writeInt(changelogOffsets.size());
                for (Map.Entry<TopicPartition, Long> e : changelogOffsets.entrySet()) {
                    out.writeUTF(e.getKey().topic());
                    out.writeInt(e.getKey().partition());
                    out.writeLong(e.getValue());
                }
                writeSnapshot(out);
                out.flush();
                out.writeLong(checked.getChecksum().getValue());
                out.flush();
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            offsets.clear();
            offsets.putAll(changelogOffsets);
        } catch (IOException e) {
            // the previous snapshot stays valid with its own offsets; a restart replays a little more
            LOG.warn("event=snapshot_not_written store={} reason=\"{}\"", name, e.toString());
        }
    }

    @Override
    public final @Nullable Long committedOffset(TopicPartition partition) {
        return offsets.get(partition);
    }

    @Override
    public final boolean managesOffsets() {
        return snapshots();
    }

    @Override
    public final void flush() {}

    @Override
    public final void close() {
        open = false;
    }

    @Override
    public final boolean persistent() {
        return snapshots();
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    /**
     * The builder that {@code StreamsBuilder.addGlobalStore} takes: each store made by {@code create} is
     * handed to {@code onBuild}. Change-logging cannot be turned on: {@code topic} is the changelog.
     */
    static <S extends TopicBackedStore> StoreBuilder<S> builder(
            String name, String topic, Supplier<S> create, Consumer<S> onBuild) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<S> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<S> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
                throw new UnsupportedOperationException(
                        "the " + name + " store is global: the " + topic + " topic is its changelog");
            }

            @Override
            public StoreBuilder<S> withLoggingDisabled() {
                return this;
            }

            @Override
            public S build() {
                S store = create.get();
                onBuild.accept(store);
                return store;
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
