package io.drainwatch.detector.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the detector keeps its Kafka Streams state when {@code kafka.state.dir} is not set: {@code
 * state} under {@code $DRAINWATCH_DATA_DIR}, or under {@code ./data} relative to the working
 * directory. Created owner-only (rwx------) when missing.
 */
public final class StateDirectory {
    /** The variable naming drainwatch's data folder. */
    public static final String DATA_DIR_ENV = "DRAINWATCH_DATA_DIR";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private StateDirectory() {}

    /** The default state directory for the environment {@code env}. */
    public static Path defaultPath(Map<String, String> env) {
        @Nullable String dataDir = env.get(DATA_DIR_ENV);
        Path base = dataDir == null || dataDir.isBlank() ? Path.of("data") : Path.of(dataDir);
        return base.resolve("state");
    }

    /**
     * Creates {@code dir} and its missing parents, owner-only, if it does not exist; an existing
     * directory keeps its permissions (the operator chose them).
     */
    public static Path prepare(Path dir) {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        try {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.exists(parent)) {
                prepare(parent);
            }
            if (supportsPosix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                // the umask may have taken bits away; never added any, but set exactly what is meant
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            } else {
                Files.createDirectory(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new ConfigException("kafka.state.dir", "cannot create " + dir + ": " + e.getMessage());
        }
    }

    private static boolean supportsPosix(Path dir) {
        return dir.toAbsolutePath()
                .getFileSystem()
                .supportedFileAttributeViews()
                .contains("posix");
    }
}
