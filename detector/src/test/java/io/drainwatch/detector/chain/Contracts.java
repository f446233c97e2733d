package io.drainwatch.detector.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The test contracts ({@code contracts/Fixtures.sol}), compiled once per JVM with solc-js (installed by
 * {@code bin/tools/anvil.sh} as {@code DW_TOOL_SOLCJS}); no bytecode is committed.
 */
public final class Contracts {
    private static JsonNode compiled;

    private Contracts() {}

    /** The creation bytecode (hex, no 0x) of {@code name}. */
    public static synchronized String bytecode(String name) {
        if (compiled == null) {
            compiled = compile();
        }
        JsonNode c = compiled.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no contract " + name + " in Fixtures.sol");
        }
        return c.get("bin").asText();
    }

    private static JsonNode compile() {
        String solc = System.getenv("DW_TOOL_SOLCJS");
        if (solc == null || !Files.isDirectory(Path.of(solc))) {
            throw new IllegalStateException(
                    "DW_TOOL_SOLCJS is not set to the solc-js package: run the tests with bin/test "
                            + "(or source bin/tools/anvil.sh first)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("contracts");
            for (String file : new String[] {"Fixtures.sol", "compile.js"}) {
                try (InputStream in = Contracts.class.getResourceAsStream("/contracts/" + file)) {
                    Files.copy(in, dir.resolve(file));
                }
            }
            ProcessBuilder pb = new ProcessBuilder(
                            "node",
                            dir.resolve("compile.js").toString(),
                            dir.resolve("Fixtures.sol").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().put("NODE_PATH", Path.of(solc).getParent().toString());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("solc-js failed to compile Fixtures.sol");
            }
            return new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot compile the test contracts", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (dir != null) {
                try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // a folder that cannot be listed stays behind; the compile result is unaffected
                }
            }
        }
    }
}
