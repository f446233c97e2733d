package io.drainwatch.detector.backtest;

import io.drainwatch.detector.config.ConfigException;
import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.refdata.AllowlistFile;
import io.drainwatch.detector.refdata.FileFormatException;
import io.drainwatch.detector.refdata.ImportMode;
import io.drainwatch.detector.refdata.LabelFile;
import io.drainwatch.detector.refdata.ParsedFile;
import io.drainwatch.detector.refdata.PriceFile;
import io.drainwatch.detector.refdata.ReferenceFileParser;
import io.drainwatch.detector.refdata.ReferenceFormat;
import io.drainwatch.detector.refdata.ReferenceRecord;
import io.drainwatch.detector.refdata.RowError;
import io.drainwatch.detector.refdata.WalletFile;
import io.drainwatch.detector.topic.Topic;
import io.drainwatch.detector.topic.TopicCatalogue;
import io.drainwatch.schemas.WatchedWallet;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * The operator's reference files of a backtest (the formats of {@code drainwatch wallets|allowlist|labels|prices
 * import}), read and checked before anything starts: a file that cannot be used, or a row that cannot be
 * loaded, is a configuration error naming the option, since a silently dropped wallet would skew the report.
 */
public final class ReferenceFiles {
    /** One record for a reference topic. */
    record Keyed(String topic, String key, byte[] value) {}

    private final List<Keyed> records;
    private final int wallets;
    private final List<String> custodyGroups;

    private ReferenceFiles(List<Keyed> records, int wallets, List<String> custodyGroups) {
        this.records = List.copyOf(records);
        this.wallets = wallets;
        this.custodyGroups = List.copyOf(custodyGroups);
    }

    /** Reads the given files ({@code null}: not given); {@code wallets} is required. */
    public static ReferenceFiles read(
            Path wallets,
            @Nullable Path allowlist,
            @Nullable Path labels,
            @Nullable Path prices,
            Topics topics,
            Instant importedAt) {
        List<Keyed> records = new ArrayList<>();
        TopicCatalogue catalogue = TopicCatalogue.of(topics);
        ParsedFile<WatchedWallet> watched = add(records, "--wallets", wallets, new WalletFile(), catalogue.wallets());
        if (watched.accepted().isEmpty()) {
            throw new ConfigException("--wallets", wallets + " lists no wallet: a backtest needs watched wallets");
        }
        if (allowlist != null) {
            add(records, "--allowlist", allowlist, new AllowlistFile(), catalogue.allowlist());
        }
        if (labels != null) {
            add(records, "--labels", labels, new LabelFile(), catalogue.labels());
        }
        if (prices != null) {
            add(records, "--prices", prices, new PriceFile(importedAt), catalogue.prices());
        }
        List<String> groups = watched.accepted().stream()
                .map(r -> r.value().orElseThrow().getCustodyGroup())
                .distinct()
                .sorted()
                .toList();
        return new ReferenceFiles(records, watched.accepted().size(), groups);
    }

    /** Reads the known-victims file. */
    public static List<Victim> truth(Path file) {
        return parse("--truth", file, new TruthFile()).accepted().stream()
                .map(r -> r.value().orElseThrow())
                .toList();
    }

    /** The custody groups of the watched wallets, sorted. */
    public List<String> custodyGroups() {
        return custodyGroups;
    }

    /** Number of watched wallets. */
    public int wallets() {
        return wallets;
    }

    /** Writes every record to the cluster at {@code clientProperties} and waits until each is acknowledged. */
    public void write(Map<String, Object> clientProperties) throws ExecutionException, InterruptedException {
        Map<String, Object> props = new java.util.HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "drainwatch-backtest-import");
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Keyed r : records) {
                sends.add(producer.send(new ProducerRecord<>(r.topic(), r.key(), r.value())));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        }
    }

    private static <T extends SpecificRecord> ParsedFile<T> add(
            List<Keyed> out, String option, Path file, ReferenceFormat<T> format, Topic<T> topic) {
        ParsedFile<T> parsed = parse(option, file, format);
        for (ReferenceRecord<T> r : parsed.accepted()) {
            out.add(new Keyed(
                    topic.name(), r.key(), topic.serde().encode(r.value().orElseThrow())));
        }
        return parsed;
    }

    private static <T> ParsedFile<T> parse(String option, Path file, ReferenceFormat<T> format) {
        ParsedFile<T> parsed;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            parsed = new ReferenceFileParser<>(format).parse(file.toString(), in, ImportMode.UPSERT);
        } catch (NoSuchFileException e) {
            throw new ConfigException(option, file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(option, file + ": cannot read: " + e.getMessage());
        } catch (FileFormatException e) {
            throw new ConfigException(option, String.valueOf(e.getMessage()));
        }
        if (!parsed.rejected().isEmpty()) {
            List<RowError> rejected = parsed.rejected();
            throw new ConfigException(
                    option,
                    rejected.size() + " row(s) cannot be used, first " + rejected.get(0)
                            + (rejected.size() > 1 ? " (and " + (rejected.size() - 1) + " more)" : ""));
        }
        return parsed;
    }
}
