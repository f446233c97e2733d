package io.drainwatch.detector.security;

import io.drainwatch.detector.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The embedded broker with its client listener secured (SASL_SSL, SCRAM-SHA-512, the standard
 * authorizer, no access without an ACL), one SCRAM user per drainwatch role and an {@code admin}
 * super user, TLS stores generated for the run. Grants and revokes ACLs as the admin.
 */
final class SecuredKafka implements AutoCloseable {
    static final List<String> ROLES = List.of("detect", "ingest", "relay", "import", "tail");
    static final String ADMIN = "admin";

    private final EmbeddedKafka kafka;
    private final Admin admin;
    private final Map<String, String> passwords;

    private final String trustStorePassword;

    private SecuredKafka(EmbeddedKafka kafka, Map<String, String> passwords, String trustStorePassword) {
        this.kafka = kafka;
        this.passwords = passwords;
        this.trustStorePassword = trustStorePassword;
        this.admin = Admin.create(adminProperties());
    }

    static SecuredKafka start(Path dir) {
        TlsStores tls = TlsStores.generate(dir);
        Map<String, String> passwords = new LinkedHashMap<>();
        SecureRandom random = new SecureRandom();
        for (String user : ROLES) {
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            passwords.put(user, "pw" + HexFormat.of().formatHex(bytes));
        }
        passwords.put(ADMIN, "pwadmin" + HexFormat.of().formatHex(random.generateSeed(8)));
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.defaults()
                .withSecurity(new EmbeddedKafka.Security(
                        tls.keyStore(), tls.trustStore(), tls.password(), passwords, List.of(ADMIN))));
        return new SecuredKafka(kafka, passwords, tls.password());
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String password(String user) {
        return passwords.get(user);
    }

    String trustStorePassword() {
        return trustStorePassword;
    }

    /** Client properties (bootstrap included) authenticating as {@code user}. */
    Map<String, Object> clientProperties(String user) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties(user));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    Map<String, Object> adminProperties() {
        return clientProperties(ADMIN);
    }

    Admin admin() {
        return admin;
    }

    /** Writes {@code user}'s client properties (no bootstrap servers) to {@code file}, for {@code --kafka-config}. */
    Path clientFile(String user, Path file) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties(user));
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, "drainwatch " + user);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    void grant(Collection<AclBinding> acls) {
        try {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create ACLs " + acls + ": " + e, e);
        }
        // the broker answers DescribeAcls from its own authorizer: once it lists them, it enforces them
        for (AclBinding acl : acls) {
            awaitAcls(acl.entry().principal(), seen -> seen.contains(acl));
        }
    }

    /** Removes every ACL of {@code user}. */
    void revokeAll(String user) {
        AclBindingFilter filter = new AclBindingFilter(
                ResourcePatternFilter.ANY,
                new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
        try {
            admin.deleteAcls(List.of(filter)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete the ACLs of " + user + ": " + e, e);
        }
        awaitAcls("User:" + user, Collection::isEmpty);
    }

    private void awaitAcls(String principal, java.util.function.Predicate<Collection<AclBinding>> done) {
        AclBindingFilter filter = new AclBindingFilter(
                ResourcePatternFilter.ANY,
                new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
        org.awaitility.Awaitility.await("ACLs of " + principal + " applied by the broker")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> admin.describeAcls(filter).values().get(10, TimeUnit.SECONDS), done::test);
    }

    /** Records on {@code topic} that a read_committed reader sees. */
    long committedRecords(String topic) {
        Map<String, Object> props = new HashMap<>(adminProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        kafka.close();
    }
}
