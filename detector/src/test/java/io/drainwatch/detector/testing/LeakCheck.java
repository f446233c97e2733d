package io.drainwatch.detector.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Fails a test class that leaves behind a child process or a Kafka client or broker thread it started,
 * so that one class's leftovers (a cluster still holding ports and threads, an anvil or a detector JVM
 * still running) cannot slow down or break the classes after it.
 *
 * <p>Registered for every test class through {@code META-INF/services} (JUnit's extension
 * auto-detection, switched on in {@code junit-platform.properties}), so it wraps each class's own
 * fixtures: it looks after their {@code afterAll} has run. It gives leftovers {@link #GRACE} to end,
 * then names each one, kills the leaked processes so later classes start clean, and fails the class.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
    /** How long threads and processes may take to end after the class's fixtures closed them. */
    static final Duration GRACE = Duration.ofSeconds(20);

    /** Configuration parameter that sets another grace in seconds (the leak check's own test shortens it). */
    static final String GRACE_PARAMETER = "drainwatch.leak-check.grace-seconds";

    private static final Namespace NAMESPACE = Namespace.create(LeakCheck.class);
    private static final String BEFORE = "before";

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(BEFORE, Snapshot.now());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Snapshot before = context.getStore(NAMESPACE).get(BEFORE, Snapshot.class);
        if (before == null) {
            return;
        }
        Duration grace = context.getConfigurationParameter(GRACE_PARAMETER)
                .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds)))
                .orElse(GRACE);
        long deadline = System.nanoTime() + grace.toNanos();
        Leaks leaks = before.leaksSince();
        while (!leaks.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            leaks = before.leaksSince();
        }
        System.out.println(Footprint.now().line(context.getRequiredTestClass().getSimpleName()));
        if (leaks.isEmpty()) {
            return;
        }
        String report = leaks.describe();
        leaks.processes().forEach(LeakCheck::kill);
        throw new AssertionError(context.getRequiredTestClass().getName() + " left behind what it started, still"
                + " alive " + grace.toSeconds() + " s after its last test:\n" + report);
    }

    private static void kill(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> process)
                .join();
    }

    /** Threads are Kafka's when any frame of their stack, or their name, belongs to Kafka. */
    static boolean isKafkaThread(Thread thread, StackTraceElement[] stack) {
        String name = thread.getName();
        if (name.contains("kafka") || name.contains("StreamThread") || name.startsWith("embedded-kafka")) {
            return true;
        }
        return Arrays.stream(stack).map(StackTraceElement::getClassName).anyMatch(LeakCheck::isKafkaClass);
    }

    private static boolean isKafkaClass(String className) {
        return className.startsWith("org.apache.kafka.") || className.startsWith("kafka.");
    }

    /** What the test JVM holds after a class: a trend over the suite shows what is not released. */
    private record Footprint(int threads, long openFiles, long heapUsedMb) {
        static Footprint now() {
            long files;
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                files = fds.count();
            } catch (IOException | UncheckedIOException e) {
                files = -1;
            }
            Runtime runtime = Runtime.getRuntime();
            return new Footprint(
                    Thread.activeCount(), files, (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024));
        }

        String line(String testClass) {
            return "leak-check class=" + testClass + " threads=" + threads + " open_files=" + openFiles
                    + " heap_used_mb=" + heapUsedMb;
        }
    }

    /** The child processes and live threads at one moment. */
    private record Snapshot(Set<Long> processes, Set<Long> threads) {
        static Snapshot now() {
            return new Snapshot(
                    ProcessHandle.current()
                            .descendants()
                            .filter(ProcessHandle::isAlive)
                            .map(ProcessHandle::pid)
                            .collect(Collectors.toSet()),
                    Thread.getAllStackTraces().keySet().stream()
                            .map(Thread::threadId)
                            .collect(Collectors.toSet()));
        }

        Leaks leaksSince() {
            List<ProcessHandle> newProcesses = ProcessHandle.current()
                    .descendants()
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> !processes.contains(p.pid()))
                    .toList();
            List<Map.Entry<Thread, StackTraceElement[]>> newThreads = new ArrayList<>();
            for (Map.Entry<Thread, StackTraceElement[]> entry :
                    Thread.getAllStackTraces().entrySet()) {
                Thread thread = entry.getKey();
                if (thread.isAlive()
                        && !threads.contains(thread.threadId())
                        && isKafkaThread(thread, entry.getValue())) {
                    newThreads.add(entry);
                }
            }
            return new Leaks(newProcesses, newThreads);
        }
    }

    /** What a class left behind. */
    record Leaks(List<ProcessHandle> processes, List<Map.Entry<Thread, StackTraceElement[]>> threads) {
        boolean isEmpty() {
            return processes.isEmpty() && threads.isEmpty();
        }

        String describe() {
            StringBuilder text = new StringBuilder();
            for (ProcessHandle process : processes) {
                text.append("  child process pid=")
                        .append(process.pid())
                        .append(' ')
                        .append(process.info().commandLine().orElse("(command line unknown)"))
                        .append('\n');
            }
            for (Map.Entry<Thread, StackTraceElement[]> entry : threads) {
                StackTraceElement[] stack = entry.getValue();
                text.append("  Kafka thread \"")
                        .append(entry.getKey().getName())
                        .append("\" at ")
                        .append(stack.length == 0 ? "(no stack)" : stack[0])
                        .append(Arrays.stream(stack)
                                .filter(frame -> isKafkaClass(frame.getClassName()))
                                .findFirst()
                                .map(frame -> " in " + frame)
                                .orElse(""))
                        .append('\n');
            }
            return text.toString();
        }
    }
}
