package io.drainwatch.detector.topology;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.jspecify.annotations.Nullable;

/**
 * A global store held in memory and filled from its topic, one record at a time through {@link #apply}:
 * the topic is its changelog, so nothing is persisted and it is rebuilt from the topic on every start.
 */
abstract class TopicBackedStore implements StateStore {
    private final String name;
    private volatile boolean open;

    TopicBackedStore(String name) {
        this.name = name;
    }

    /** Applies one record of the store's topic (a tombstone has no value). */
    abstract void apply(byte @Nullable [] key, byte @Nullable [] value);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void init(StateStoreContext context, StateStore root) {
        context.register(root, this::apply);
        open = true;
    }

    @Override
    public final void flush() {}

    @Override
    public final void close() {
        open = false;
    }

    @Override
    public final boolean persistent() {
        return false;
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
