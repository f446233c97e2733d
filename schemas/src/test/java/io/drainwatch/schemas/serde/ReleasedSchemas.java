package io.drainwatch.schemas.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The schemas as they are in {@code src/main/avro} (the sources the classes are generated from) and
 * the files of their released history, read from the module's directory so that a schema added or
 * changed without a history entry is seen.
 */
final class ReleasedSchemas {

    static final Path SOURCES = Path.of("src/main/avro");
    static final Path COMMON = SOURCES.resolve("common");
    static final Path HISTORY = Path.of("src/main/resources/io/drainwatch/schemas/history");

    private ReleasedSchemas() {}

    /** One schema of {@code src/main/avro}, parsed with the shared types it refers to. */
    record Current(String name, Path file, Schema schema) {
        @Override
        public String toString() {
            return name;
        }

        /** The released versions, oldest first, as the serde loads them. */
        List<Schema> history() {
            return AvroSerde.history(schema);
        }

        /** The generated class of this schema. */
        Class<?> generatedClass() {
            try {
                return Class.forName(schema.getFullName());
            } catch (ClassNotFoundException e) {
                throw new AssertionError("no generated class for " + file, e);
            }
        }
    }

    /** Every schema file under {@code src/main/avro}, sorted by name. */
    static List<Current> current() {
        List<Current> schemas = new ArrayList<>();
        for (Path file : avscFiles(SOURCES)) {
            Schema.Parser parser = new Schema.Parser();
            for (Path common : avscFiles(COMMON)) {
                if (!common.equals(file)) {
                    parse(parser, common);
                }
            }
            Schema schema = parse(parser, file);
            schemas.add(new Current(schema.getName(), file, schema));
        }
        schemas.sort((a, b) -> a.name().compareTo(b.name()));
        return schemas;
    }

    /** The file names in the history folder. */
    static List<String> historyFiles() {
        try (Stream<Path> files = Files.list(HISTORY)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> avscFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema parse(Schema.Parser parser, Path file) {
        try {
            return parser.parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
