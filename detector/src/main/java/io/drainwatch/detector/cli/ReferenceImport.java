package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.FileFormatException;
import io.drainwatch.detector.refdata.ImportMode;
import io.drainwatch.detector.refdata.ParsedFile;
import io.drainwatch.detector.refdata.ReferenceFileParser;
import io.drainwatch.detector.refdata.ReferenceFormat;
import io.drainwatch.detector.refdata.ReferenceRecord;
import io.drainwatch.detector.refdata.RowError;
import io.drainwatch.detector.topic.Topic;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one operator file into its compacted topic: parses it, reports each rejected row as {@code
 * file:line: reason}, writes the accepted rows (values, or tombstones with {@code --delete}) with an
 * idempotent producer, and prints {@code loaded N, rejected M}.
 *
 * <p>Exit codes: 0 every row loaded, 1 a row was rejected or a write failed, 2 the file cannot be
 * read or its header is wrong (nothing written).
 */
final class ReferenceImport<T extends SpecificRecord> {
    static final int ALL_LOADED = 0;
    static final int ROWS_REJECTED = 1;
    static final int UNUSABLE_FILE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceImport.class);
    /** Long imports (millions of wallets) say how far they are at this rhythm. */
    private static final java.time.Duration PROGRESS_EVERY = java.time.Duration.ofSeconds(5);
    /** Files of at least this many rows say how long reading them took. */
    private static final int PROGRESS_FROM_ROWS = 100_000;

    private final ReferenceFormat<T> format;
    private final Topic<T> into;

    ReferenceImport(ReferenceFormat<T> format, Topic<T> into) {
        this.format = format;
        this.into = into;
    }

    int run(Path file, ImportMode mode, KafkaOptions kafka, PrintWriter out, PrintWriter err) {
        String topic = into.name();
        boolean delete = mode == ImportMode.DELETE;
        ParsedFile<T> parsed;
        long began = System.nanoTime();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            parsed = new ReferenceFileParser<>(format).parse(file.toString(), in, mode);
        } catch (NoSuchFileException e) {
            err.println("drainwatch: " + file + ": no such file");
            err.flush();
            return UNUSABLE_FILE;
        } catch (java.nio.charset.CharacterCodingException e) {
            err.println("drainwatch: " + file + ": not UTF-8 text; save it as UTF-8 (nothing was loaded)");
            err.flush();
            return UNUSABLE_FILE;
        } catch (IOException e) {
            err.println("drainwatch: " + file + ": cannot read: " + e.getMessage());
            err.flush();
            return UNUSABLE_FILE;
        } catch (FileFormatException e) {
            err.println("drainwatch: " + e.getMessage());
            err.flush();
            return UNUSABLE_FILE;
        }
        for (RowError error : parsed.rejected()) {
            err.println(error);
        }
        int rows = parsed.accepted().size() + parsed.rejected().size();
        if (rows >= PROGRESS_FROM_ROWS) {
            err.println(progress("read", rows, rows, java.time.Duration.ofNanos(System.nanoTime() - began)));
        }
        err.flush();

        int written;
        try {
            written = write(parsed.accepted(), kafka, topic, err);
        } catch (KafkaException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            err.println("drainwatch: cannot write to topic " + topic + ": "
                    + (cause == null ? "unknown error" : cause.getMessage()));
            out.println("loaded 0, rejected " + parsed.rejected().size() + ", not written "
                    + parsed.accepted().size());
            out.flush();
            err.flush();
            return ROWS_REJECTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("drainwatch: interrupted while writing to topic " + topic);
            err.flush();
            return ROWS_REJECTED;
        }
        out.println((delete ? "deleted " : "loaded ") + written + ", rejected "
                + parsed.rejected().size());
        out.flush();
        LOG.info(
                "reference import file={} topic={} mode={} written={} rejected={}",
                file,
                topic,
                mode,
                written,
                parsed.rejected().size());
        return parsed.rejected().isEmpty() ? ALL_LOADED : ROWS_REJECTED;
    }

    /** A line of progress: what is done, of how many, rows per second, and the time left. */
    static String progress(String verb, long done, long total, java.time.Duration elapsed) {
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        double rate = done / seconds;
        long left = rate > 0 ? Math.round((total - done) / rate) : 0;
        return String.format(
                java.util.Locale.ROOT, "%s %,d of %,d rows (%,.0f rows/s, %ds left)", verb, done, total, rate, left);
    }

    private int write(List<ReferenceRecord<T>> records, KafkaOptions kafka, String topic, PrintWriter err)
            throws ExecutionException, InterruptedException {
        if (records.isEmpty()) {
            return 0;
        }
        Map<String, Object> props = kafka.clientProperties();
        // Safe defaults for a one-shot command; the operator's client file may still tune them.
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "drainwatch-import");
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            long began = System.nanoTime();
            long nextReport = began + PROGRESS_EVERY.toNanos();
            for (ReferenceRecord<T> record : records) {
                byte[] value = record.value().map(into.serde()::encode).orElse(null);
                sends.add(producer.send(new ProducerRecord<>(topic, record.key(), value)));
                if (System.nanoTime() >= nextReport) {
                    err.println(progress(
                            "sent",
                            sends.size(),
                            records.size(),
                            java.time.Duration.ofNanos(System.nanoTime() - began)));
                    err.flush();
                    nextReport = System.nanoTime() + PROGRESS_EVERY.toNanos();
                }
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                send.get();
            }
        }
        return sends.size();
    }
}
