package io.drainwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the detector form no cycle, and each imports only the packages that
 * docs/architecture.md allows it, so a newcomer can read them bottom-up.
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/drainwatch/detector");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?io\\.drainwatch\\.detector\\.([a-z]+)\\.");

    /** What each package may import (besides itself), as docs/architecture.md lists it. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("model", Set.of()),
            Map.entry("config", Set.of()),
            Map.entry("rules", Set.of("config", "model")),
            Map.entry("metrics", Set.of("rules", "config", "model")),
            Map.entry("alert", Set.of("rules", "config", "model")),
            Map.entry("topic", Set.of("config")),
            Map.entry("refdata", Set.of("model", "config", "topic")),
            Map.entry("embedded", Set.of("config")),
            Map.entry("relay", Set.of("config", "model", "metrics", "topic")),
            Map.entry("chain", Set.of("config", "model", "metrics", "topic")),
            Map.entry("topology", Set.of("alert", "rules", "config", "model", "metrics", "topic")),
            Map.entry("demo", Set.of("topology", "embedded", "config", "model", "metrics", "rules", "alert", "topic")),
            Map.entry(
                    "backtest",
                    Set.of(
                            "chain",
                            "topology",
                            "embedded",
                            "config",
                            "model",
                            "metrics",
                            "alert",
                            "rules",
                            "refdata",
                            "demo",
                            "topic")),
            Map.entry(
                    "cli",
                    Set.of(
                            "alert",
                            "backtest",
                            "chain",
                            "config",
                            "demo",
                            "embedded",
                            "metrics",
                            "model",
                            "refdata",
                            "relay",
                            "rules",
                            "topic",
                            "topology")));

    @Test
    void everyPackageImportsOnlyWhatTheArchitectureAllows() {
        Map<String, Set<String>> graph = imports();

        assertThat(graph.keySet()).as("packages listed in the architecture").isSubsetOf(ALLOWED.keySet());
        List<String> violations = new ArrayList<>();
        graph.forEach((from, targets) -> targets.stream()
                .filter(to -> !ALLOWED.get(from).contains(to))
                .forEach(to -> violations.add(from + " -> " + to)));
        assertThat(violations).as("imports the architecture does not allow").isEmpty();
    }

    @Test
    void thePackageGraphHasNoCycle() {
        assertThat(cycle(imports())).as("a package cycle").isEmpty();
    }

    @Test
    void theCycleFinderFindsACycle() {
        assertThat(cycle(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"))))
                .containsExactly("a", "b", "c", "a");
        assertThat(cycle(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }

    /** Package to the other detector packages its main sources import. */
    private static Map<String, Set<String>> imports() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    Matcher m = IMPORT.matcher(line);
                    if (m.find() && !m.group(1).equals(from)) {
                        targets.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(graph)
                .as("main sources found under " + SOURCES.toAbsolutePath())
                .isNotEmpty();
        return graph;
    }

    /** One cycle of the graph as the path that closes it, or empty when there is none. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> found = visit(start, graph, new ArrayDeque<>(), done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(
            String node, Map<String, Set<String>> graph, Deque<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> onPath = new ArrayList<>(path).reversed();
            List<String> loop = new ArrayList<>(onPath.subList(onPath.indexOf(node), onPath.size()));
            loop.add(node);
            return loop;
        }
        if (done.contains(node)) {
            return List.of();
        }
        path.push(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            List<String> found = visit(next, graph, path, done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.pop();
        done.add(node);
        return List.of();
    }
}
