package io.drainwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsToStateUnderTheDataFolderNotTheTemporaryFolder() {
        assertThat(StateDirectory.defaultPath(Map.of())).isEqualTo(Path.of("data", "state"));
        assertThat(StateDirectory.defaultPath(Map.of("DRAINWATCH_DATA_DIR", "/var/lib/drainwatch")))
                .isEqualTo(Path.of("/var/lib/drainwatch/state"));
        assertThat(StateDirectory.defaultPath(Map.of("DRAINWATCH_DATA_DIR", " ")))
                .isEqualTo(Path.of("data", "state"));
    }

    @Test
    void theDetectorUsesItUnlessKafkaStateDirIsSet() {
        String dir = String.valueOf(
                DetectorConfig.from(ConfigLayers.defaults(), "x:1").kafka().get(StreamsConfig.STATE_DIR_CONFIG));
        assertThat(dir).isEqualTo(StateDirectory.defaultPath(System.getenv()).toString());
        assertThat(dir).doesNotStartWith(System.getProperty("java.io.tmpdir"));

        Map<String, String> set = ConfigLayers.merge(ConfigLayers.defaults(), Map.of("kafka.state.dir", "/srv/dw"));
        assertThat(DetectorConfig.from(set, "x:1").kafka().get(StreamsConfig.STATE_DIR_CONFIG))
                .isEqualTo("/srv/dw");
    }

    @Test
    void createsMissingFoldersOwnerOnly() throws Exception {
        Path dir = tmp.resolve("data").resolve("state");
        StateDirectory.prepare(dir);
        assertThat(dir).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void leavesAnExistingFolderAsItIs() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-x---"));
        StateDirectory.prepare(tmp);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp)))
                .isEqualTo("rwxr-x---");
    }
}
