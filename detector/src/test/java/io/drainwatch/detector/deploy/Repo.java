package io.drainwatch.detector.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository checkout, found from the test's working directory (a module directory). */
public final class Repo {
    private Repo() {}

    /** The repository root: the nearest ancestor holding {@code deploy/} and the Maven wrapper. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy")) && Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "no repository root (deploy/ and mvnw) above " + Path.of("").toAbsolutePath());
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }
}
