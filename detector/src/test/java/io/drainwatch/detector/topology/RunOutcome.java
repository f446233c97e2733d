package io.drainwatch.detector.topology;

import io.drainwatch.detector.config.Topics;
import io.drainwatch.detector.testing.KafkaReads;
import io.drainwatch.schemas.AlertStatus;
import io.drainwatch.schemas.DrainAlert;
import io.drainwatch.schemas.DrainIncident;
import io.drainwatch.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What a detector run wrote, read committed, reduced to what must not depend on arrival order, timing or
 * faults; and its dead letters (where each came from and why), which a scenario of well-formed records
 * must not have. Two runs of one scenario, one disturbed and one not, are compared through it.
 *
 * @param firingPerAlert how many times each alert id was written FIRING (once, in a correct run)
 * @param finalSeverity each alert id's last severity
 * @param incidentWallets each incident id's wallets in its last record: the newest drained wallets, in
 *     the order they reached the fleet stage, capped (all of them while the incident has fewer than the cap)
 * @param deadLetters the dead-letter records, described
 * @param alertIncident each alert id's incident in its last record ("" for none): its incident membership
 * @param walletsDrained each incident id's count of drained wallets in its last record
 */
public record RunOutcome(
        Map<String, Integer> firingPerAlert,
        Map<String, String> finalSeverity,
        Map<String, Set<String>> incidentWallets,
        List<String> deadLetters,
        Map<String, String> alertIncident,
        Map<String, Integer> walletsDrained) {
    /** What the run with {@code topics} wrote: read committed, to the end offsets. */
    public static RunOutcome read(KafkaReads kafka, Topics topics) {
        Map<String, Integer> firing = new TreeMap<>();
        Map<String, String> severity = new TreeMap<>();
        Map<String, String> incidentOf = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topics.alerts())) {
            DrainAlert a = AvroSerde.of(DrainAlert.class).decode(r.value());
            firing.merge(a.getAlertId(), a.getStatus() == AlertStatus.FIRING ? 1 : 0, Integer::sum);
            severity.put(a.getAlertId(), a.getSeverity().toString());
            incidentOf.put(a.getAlertId(), a.getIncidentId() == null ? "" : a.getIncidentId());
        }
        Map<String, Set<String>> incidents = new TreeMap<>();
        Map<String, Integer> drained = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readCommitted(topics.incidents())) {
            DrainIncident i = AvroSerde.of(DrainIncident.class).decode(r.value());
            incidents.put(i.getIncidentId(), new TreeSet<>(i.getWallets()));
            drained.put(i.getIncidentId(), i.getWalletsDrained());
        }
        List<String> deadLetters = kafka.readCommitted(topics.deadLetter()).stream()
                .map(RunOutcome::deadLetter)
                .toList();
        return new RunOutcome(firing, severity, incidents, deadLetters, incidentOf, drained);
    }

    /** The members of {@code a} that {@code b} lacks, sorted. */
    public static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static String deadLetter(ConsumerRecord<byte[], byte[]> r) {
        return header(r, "__streams.errors.topic") + "-" + header(r, "__streams.errors.partition") + "@"
                + header(r, "__streams.errors.offset") + ": " + header(r, "__streams.errors.exception") + ": "
                + header(r, "__streams.errors.message");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
