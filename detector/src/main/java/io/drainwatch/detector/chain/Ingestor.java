package io.drainwatch.detector.chain;

import io.drainwatch.detector.chain.NodeData.Block;
import io.drainwatch.detector.chain.NodeData.Head;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest loop of one chain. Each step learns the node's head, fetches the blocks between the last
 * written block and it (by number in batches while catching up, by hash at the tip), links them to
 * the reorg window by parent hash (walking back by hash to the common ancestor on a mismatch),
 * decodes and enriches them, and writes retractions, events and progress in one Kafka transaction.
 */
public final class Ingestor implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

    private final IngestConfig config;
    private final BlockFetcher fetcher;
    private final BlockDecoder decoder;
    private final Enricher enricher;
    private final HeadTracker heads;
    private final WatchedWallets wallets;
    private final ChainWriter writer;
    private final IngestMetrics metrics;
    private final Clock clock;
    private volatile boolean running = true;
    private volatile boolean ready;
    /** The writer was rebuilt (or is being): the progress must be read from the topic before the next step. */
    private boolean reload;

    private volatile @Nullable Thread runner;
    private final ExecutorService prefetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ingest-prefetch");
        t.setDaemon(true);
        return t;
    });
    private @Nullable CompletableFuture<List<Prepared>> prefetch;
    private volatile @Nullable Long lastFinalized;
    private long prefetchFrom = -1;
    private ReorgWindow window;
    private long startNumber = -1;
    private long tipNumber;

    /**
     * An ingestor of the chain {@code config} names, reading it through {@code fetcher} and {@code heads},
     * and writing through {@code writer}; {@code clock} stamps when each block was written (see
     * {@link ReorgWindow.Entry}). It owns and closes {@code heads}, {@code wallets} and {@code writer}.
     */
    public Ingestor(
            IngestConfig config,
            IngestMetrics metrics,
            BlockFetcher fetcher,
            BlockDecoder decoder,
            Enricher enricher,
            HeadTracker heads,
            WatchedWallets wallets,
            ChainWriter writer,
            Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.enricher = enricher;
        this.heads = heads;
        this.wallets = wallets;
        this.writer = writer;
        this.clock = clock;
        this.window = ReorgWindow.empty(config.reorgWindow());
    }

    /** Whether the loop is past start-up and its writer can write (false while it is being rebuilt). */
    public boolean ready() {
        return ready;
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        try {
            start();
            ready = true;
            long failures = 0;
            while (running) {
                try {
                    if (writer.broken() || reload) {
                        ready = false;
                        reload = true;
                        recover();
                        reload = false;
                        ready = true;
                    }
                    if (!step()) {
                        heads.await();
                    }
                    failures = 0;
                } catch (ProducerFencedException | AuthorizationException e) {
                    log.error("event=ingest_fenced chain={} reason=\"{}\"", config.chainId(), e.getMessage());
                    throw e;
                } catch (RuntimeException e) {
                    Throwable refused = refusal(e);
                    if (refused != null) {
                        // a refusal wrapped by the transactional producer is as final as a direct one
                        log.error(
                                "event=ingest_refused chain={} error={} reason=\"{}\"",
                                config.chainId(),
                                refused.getClass().getSimpleName(),
                                refused.getMessage());
                        throw e;
                    }
                    // anything else fails this step only: it is retried whole, and the loop keeps running
                    if (writer.broken() || reload) {
                        ready = false;
                    }
                    if (!running) {
                        break;
                    }
                    failures++;
                    long backoff = Math.min(10_000, 200L << Math.min(failures, 6))
                            + ThreadLocalRandom.current().nextLong(100);
                    log.warn(
                            "event=ingest_step_failed chain={} failures={} backoff_ms={} error={} reason=\"{}\"",
                            config.chainId(),
                            failures,
                            backoff,
                            e.getClass().getSimpleName(),
                            e.getMessage());
                    Thread.sleep(backoff);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ready = false;
            boolean interrupted =
                    Thread.interrupted(); // close() interrupts a waiting loop; let the clients close cleanly
            prefetcher.shutdownNow();
            heads.close();
            try {
                wallets.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writer.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After a write of unknown outcome or a fatal producer error: a new producer (which completes or
     * aborts the old one's transaction), then the progress as committed, so the next step continues from
     * what is on the topics, neither losing nor repeating a step.
     */
    private void recover() {
        log.warn("event=writer_rebuild chain={} reason=producer_state_unknown", config.chainId());
        CompletableFuture<List<Prepared>> pending = prefetch;
        prefetch = null;
        if (pending != null) {
            pending.cancel(false);
        }
        if (writer.broken()) {
            writer.rebuild();
        }
        Optional<Progress> progress = ProgressStore.load(config.kafka(), config.progressTopic(), config.chainId());
        window = progress.map(p -> ReorgWindow.of(config.reorgWindow(), p.window()))
                .orElseGet(() -> ReorgWindow.empty(config.reorgWindow()));
        log.info(
                "event=writer_rebuilt chain={} number={} window={}",
                config.chainId(),
                window.isEmpty() ? "none" : Long.toString(window.head().number()),
                window.entries().size());
    }

    private void start() throws InterruptedException {
        ProgressStore.ensureTopic(config.kafka(), config.progressTopic());
        writer.init(); // fences a previous ingestor and aborts its open transaction before progress is read
        Optional<Progress> progress = ProgressStore.load(config.kafka(), config.progressTopic(), config.chainId());
        if (progress.isPresent()) {
            window = ReorgWindow.of(config.reorgWindow(), progress.get().window());
            ReorgWindow.Entry head = window.head();
            log.info(
                    "event=ingest_resume chain={} number={} hash={} window={}",
                    config.chainId(),
                    head.number(),
                    head.hash(),
                    window.entries().size());
            if (config.fromBlock() != null) {
                log.info("event=from_block_ignored chain={} reason=progress_stored", config.chainId());
            }
            verifyStoredHead(head);
        } else {
            startNumber = config.fromBlock() != null
                    ? config.fromBlock()
                    : retrying(() -> fetcher.latest().number());
            log.info("event=ingest_start chain={} from_block={}", config.chainId(), startNumber);
        }
        wallets.start(Duration.ofSeconds(30));
        heads.start();
    }

    /**
     * Says at start whether the stored head is still canonical. Nothing depends on it: the first step
     * links to the window by parent hash and retracts whatever the node abandoned while we were down.
     */
    private void verifyStoredHead(ReorgWindow.Entry head) {
        try {
            List<Block> canonical = fetcher.byNumbers(head.number(), head.number());
            String now = canonical.isEmpty() ? "none" : canonical.get(0).hash();
            if (!now.equals(head.hash())) {
                log.warn(
                        "event=stored_head_reorganised chain={} number={} stored={} canonical={}",
                        config.chainId(),
                        head.number(),
                        head.hash(),
                        now);
            }
        } catch (RpcException e) {
            log.warn("event=stored_head_unverified chain={} reason=\"{}\"", config.chainId(), e.getMessage());
        }
    }

    private <T> T retrying(java.util.function.Supplier<T> call) throws InterruptedException {
        while (true) {
            try {
                return call.get();
            } catch (RpcException e) {
                log.warn("event=rpc_unavailable chain={} reason=\"{}\"", config.chainId(), e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    /** One step; false when there was nothing to do. */
    boolean step() {
        Head tip = heads.take().orElseGet(fetcher::latest);
        tipNumber = tip.number();
        if (!window.isEmpty()) {
            metrics.tip(tipNumber, tip.timestamp(), window.head().number());
            reportProgress();
        }
        if (window.contains(tip.hash())) {
            return false;
        }
        long next = window.isEmpty() ? startNumber : window.head().number() + 1;
        if (window.isEmpty() && tip.number() < startNumber) {
            return false;
        }
        List<Block> candidates;
        Map<String, BlockEvents> prepared = Map.of();
        if (tip.number() > next) {
            List<Prepared> range = prefetched(next)
                    .orElseGet(() -> fetchRange(next, Math.min(tip.number(), next + config.batchBlocks() - 1)));
            candidates = range.stream().map(Prepared::block).toList();
            prepared = range.stream().collect(Collectors.toMap(p -> p.block().hash(), Prepared::events));
            long after = next + range.size();
            if (!range.isEmpty() && tip.number() >= after) {
                // catching up: read the next range while this one is decoded and written
                prefetchFrom = after;
                long to = Math.min(tip.number(), after + config.batchBlocks() - 1);
                prefetch = CompletableFuture.supplyAsync(() -> fetchRange(after, to), prefetcher);
            }
        } else {
            candidates = fetcher.byHash(tip.hash()).map(List::of).orElse(List.of());
        }
        if (candidates.isEmpty()) {
            return false;
        }
        apply(link(candidates), prepared);
        return true;
    }

    /** A block read and decoded ahead of linking (decoding is pure, so it can run while the previous range is written). */
    private record Prepared(Block block, BlockEvents events) {}

    private List<Prepared> fetchRange(long from, long to) {
        Long finalized = lastFinalized;
        return fetcher.details(fetcher.byNumbers(from, to)).stream()
                .map(f -> new Prepared(f.block(), decoder.decode(f.block(), f.receipts(), f.traces(), finalized)))
                .toList();
    }

    /** The range read ahead, if it starts at {@code next}; a failed read ahead is reported like a direct one. */
    private Optional<List<Prepared>> prefetched(long next) {
        CompletableFuture<List<Prepared>> pending = prefetch;
        prefetch = null;
        if (pending == null || prefetchFrom != next) {
            if (pending != null) {
                pending.cancel(false);
            }
            return Optional.empty();
        }
        try {
            return Optional.of(pending.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Links {@code candidates} to the window, fetching parents by hash until the planner has a plan. */
    private ReorgPlan link(List<Block> candidates) {
        List<Block> walkedBack = new ArrayList<>();
        while (true) {
            switch (ReorgPlanner.link(window, walkedBack, candidates)) {
                case ReorgPlanner.Planned planned -> {
                    return planned.plan();
                }
                case ReorgPlanner.NeedsParent needs -> {
                    String parent = needs.hash();
                    walkedBack.add(
                            0,
                            fetcher.byHash(parent)
                                    .orElseThrow(() -> new RpcException(
                                            RpcErrorKind.IO, "node lost block " + parent + " while walking back")));
                }
            }
        }
    }

    private void apply(ReorgPlan plan, Map<String, BlockEvents> prepared) {
        Long finalized = finalizedNumber();
        lastFinalized = finalized;
        if (plan.reorg()) {
            int depth = plan.orphaned().size();
            boolean deep = plan.deep(finalized);
            metrics.reorg(depth, deep);
            if (deep) {
                log.error(
                        "event=deep_reorg severity=critical chain={} depth={} window={} finalized={} ancestor={} reason={}",
                        config.chainId(),
                        depth,
                        window.entries().size(),
                        finalized,
                        plan.beyondWindow() ? "unknown" : plan.ancestor(),
                        plan.beyondWindow() ? "beyond_window" : "below_finality");
            } else {
                log.warn(
                        "event=reorg chain={} depth={} ancestor={} old_head={} new_head={}",
                        config.chainId(),
                        depth,
                        plan.ancestor(),
                        window.head().hash(),
                        plan.branch().isEmpty()
                                ? ""
                                : plan.branch().get(plan.branch().size() - 1).hash());
            }
        }
        List<BlockEvents> retractions = retractions(plan.orphaned(), finalized);
        List<BlockEvents> decoded = new ArrayList<>();
        if (plan.branch().stream().allMatch(b -> prepared.containsKey(b.hash()))) {
            plan.branch().forEach(b -> decoded.add(prepared.get(b.hash())));
        } else {
            for (FetchedBlock f : fetcher.details(plan.branch())) {
                decoded.add(decoder.decode(f.block(), f.receipts(), f.traces(), finalized));
            }
        }
        List<BlockEvents> blocks = enricher.enrich(decoded, wallets.snapshot());
        List<ReorgWindow.Entry> added = new ArrayList<>();
        long now = clock.millis();
        for (BlockEvents b : blocks) {
            added.add(new ReorgWindow.Entry(
                    b.head().getNumber(), b.head().getHash(), b.head().getParentHash(), now, b));
        }
        ReorgWindow next = window.rebase(plan.keepThrough(), added);
        if (next.isEmpty()) {
            return;
        }
        writer.write(retractions, blocks, Progress.of(config.chainId(), next));
        window = next;
        for (BlockEvents b : blocks) {
            metrics.block(b.head().getNumber(), b.head().getTime().getEpochSecond(), tipNumber);
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "event=blocks_written chain={} head={} blocks={} retracted={}",
                    config.chainId(),
                    window.head().number(),
                    blocks.size(),
                    retractions.size());
        }
    }

    /**
     * The retractions of the orphaned blocks, newest first: what was written for them, from memory; after
     * a restart, read back from the chain topics (the node usually forgets orphaned blocks), else
     * decoded again from the node.
     */
    private List<BlockEvents> retractions(List<ReorgWindow.Entry> orphaned, @Nullable Long finalized) {
        List<ReorgWindow.Entry> restored =
                orphaned.stream().filter(e -> e.events() == null).toList();
        Map<String, BlockEvents> written = restored.isEmpty()
                ? Map.of()
                : WrittenEvents.read(config.kafka(), config.topics(), config.chainId(), restored);
        List<BlockEvents> out = new ArrayList<>();
        for (ReorgWindow.Entry orphan : orphaned) {
            BlockEvents events = orphan.events() != null ? orphan.events() : written.get(orphan.hash());
            if (events == null) {
                Optional<Block> block = fetcher.byHash(orphan.hash());
                if (block.isEmpty()) {
                    log.error(
                            "event=orphan_not_retractable severity=critical chain={} number={} hash={} reason=not_on_topics_nor_node",
                            config.chainId(),
                            orphan.number(),
                            orphan.hash());
                    continue;
                }
                FetchedBlock f = fetcher.details(List.of(block.get())).get(0);
                events = decoder.decode(f.block(), f.receipts(), f.traces(), finalized);
            }
            out.add(events.retracted());
        }
        return out;
    }

    /** The authorization, authentication or fencing error in {@code e}'s causes: retrying cannot help. */
    private static @Nullable Throwable refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException
                    || t instanceof AuthenticationException
                    || t instanceof ProducerFencedException) {
                return t;
            }
        }
        return null;
    }

    private @Nullable Long finalizedNumber() {
        if (config.finalityDepth() > 0) {
            return Math.max(0, tipNumber - config.finalityDepth());
        }
        return fetcher.finalized().orElse(null);
    }

    private long lastReport = System.nanoTime();

    /** One INFO line every half minute: where the ingestor is against the node. */
    private void reportProgress() {
        long now = System.nanoTime();
        if (now - lastReport > 30_000_000_000L) {
            lastReport = now;
            log.info(
                    "event=ingest_progress chain={} number={} tip={} lag_blocks={} ws={}",
                    config.chainId(),
                    window.head().number(),
                    tipNumber,
                    Math.max(0, tipNumber - window.head().number()),
                    heads.connected());
        }
    }

    /** The last block written, for tests and tools. */
    public Optional<ReorgWindow.Entry> head() {
        ReorgWindow w = window;
        return w.isEmpty() ? Optional.empty() : Optional.of(w.head());
    }

    @Override
    public void close() {
        running = false;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }
}
