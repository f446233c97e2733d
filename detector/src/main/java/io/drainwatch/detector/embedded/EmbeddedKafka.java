package io.drainwatch.detector.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Apache Kafka KRaft nodes (broker and controller combined in each) running inside this JVM:
 * the broker of the demo, of local runs and of the integration tests. One node, or three for
 * replication and failover tests. Nothing is mocked: clients reach it over loopback sockets.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String SECURED_LISTENER = "SASL_SSL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The SCRAM user the nodes authenticate as to each other; a super user. */
    public static final String BROKER_USER = "broker";

    private static final String SCRAM = "SCRAM-SHA-512";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final List<Node> nodes;
    private final @Nullable Security security;

    private EmbeddedKafka(Path dataDir, boolean deleteOnClose, List<Node> nodes, @Nullable Security security) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.nodes = nodes;
        this.security = security;
    }

    /**
     * A secured client listener: SASL_SSL with SCRAM-SHA-512, the standard authorizer with no access
     * unless an ACL grants it ({@code allow.everyone.if.no.acl.found=false}). The controller listener
     * stays PLAINTEXT on loopback; its principal ({@code User:ANONYMOUS}) is a super user because the
     * nodes' controller requests arrive on it, so that port must never be reachable by clients.
     *
     * @param keyStore PKCS12 key store holding the broker's key and certificate (valid for 127.0.0.1)
     * @param trustStore PKCS12 trust store holding the certificate clients and nodes trust
     * @param storePassword password of both stores and of the key
     * @param users SCRAM users created when the storage is formatted, name to password
     * @param superUsers users allowed everything besides {@value #BROKER_USER}, e.g. {@code admin}
     */
    public record Security(
            Path keyStore, Path trustStore, String storePassword, Map<String, String> users, List<String> superUsers) {
        private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");

        public Security {
            users = Map.copyOf(users);
            superUsers = List.copyOf(superUsers);
            // The format tool reads "[name=...,password=...]": keep both to characters it cannot misread.
            users.forEach((name, password) -> {
                if (!PLAIN.matcher(name).matches() || !PLAIN.matcher(password).matches()) {
                    throw new IllegalArgumentException(
                            "SCRAM user names and passwords must match " + PLAIN.pattern() + "; user " + name);
                }
            });
            if (users.containsKey(BROKER_USER)) {
                throw new IllegalArgumentException("user " + BROKER_USER + " is the nodes' own; choose another name");
            }
            for (String name : superUsers) {
                if (!users.containsKey(name)) {
                    throw new IllegalArgumentException(
                            "super user " + name + " is not one of the users " + users.keySet());
                }
            }
        }

        /**
         * Client properties authenticating as {@code user}: SASL_SSL, SCRAM-SHA-512, the trust store.
         * The JAAS line holds the password: never log these properties.
         */
        public Map<String, String> clientProperties(String user) {
            String password = user.equals(BROKER_USER) ? brokerPassword() : users.get(user);
            if (password == null) {
                throw new IllegalArgumentException("no SCRAM user " + user + "; users are " + users.keySet());
            }
            return Map.of(
                    "security.protocol",
                    "SASL_SSL",
                    "sasl.mechanism",
                    SCRAM,
                    "sasl.jaas.config",
                    jaas(user, password),
                    "ssl.truststore.location",
                    trustStore.toString(),
                    "ssl.truststore.type",
                    "PKCS12",
                    "ssl.truststore.password",
                    storePassword);
        }

        /**
         * The nodes' own password: derived from the store password, so a restarted node (even in another
         * JVM, on the same data directory) presents what was formatted, and nobody configures it.
         */
        private String brokerPassword() {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(("drainwatch-broker:" + storePassword)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(digest, 0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }

        private static String jaas(String user, String password) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        }
    }

    /**
     * How to start the cluster.
     *
     * @param nodes number of combined broker+controller nodes, 1 or 3 (any odd count works)
     * @param dataDir where the logs live; {@code null} for a temporary directory deleted on close
     * @param port the first node's client port (node {@code i} listens on {@code port + i}); 0 picks free ports
     * @param brokerConfig broker settings applied last, over the defaults chosen here
     */
    public record Options(
            int nodes,
            @Nullable Path dataDir,
            int port,
            Map<String, String> brokerConfig,
            @Nullable Security security) {
        public Options {
            if (nodes < 1) {
                throw new IllegalArgumentException("nodes must be at least 1, was " + nodes);
            }
            if (port < 0 || port > 65535 - nodes) {
                throw new IllegalArgumentException("port must be 0 (free ports) or a TCP port, was " + port);
            }
            brokerConfig = Map.copyOf(brokerConfig);
        }

        public Options(int nodes, @Nullable Path dataDir, int port, Map<String, String> brokerConfig) {
            this(nodes, dataDir, port, brokerConfig, null);
        }

        /** One node, a temporary directory, free ports. */
        public static Options defaults() {
            return new Options(1, null, 0, Map.of());
        }

        public Options withNodes(int count) {
            return new Options(count, dataDir, port, brokerConfig, security);
        }

        public Options withDataDir(Path dir) {
            return new Options(nodes, dir, port, brokerConfig, security);
        }

        public Options withPort(int first) {
            return new Options(nodes, dataDir, first, brokerConfig, security);
        }

        public Options withBrokerConfig(String key, String value) {
            Map<String, String> merged = new java.util.HashMap<>(brokerConfig);
            merged.put(key, value);
            return new Options(nodes, dataDir, port, merged, security);
        }

        /** The client listener secured as {@code settings} says (see {@link Security}). */
        public Options withSecurity(Security settings) {
            return new Options(nodes, dataDir, port, brokerConfig, settings);
        }
    }

    /** Starts one node on free ports in a temporary directory. */
    public static EmbeddedKafka start() {
        return start(Options.defaults());
    }

    /**
     * Formats storage (first start of a directory only), starts every node and returns once every
     * broker is registered and unfenced.
     */
    public static EmbeddedKafka start(Options options) {
        long began = System.nanoTime();
        Path dir;
        boolean temporary = options.dataDir() == null;
        try {
            dir = temporary
                    ? Files.createTempDirectory("drainwatch-kafka-")
                    : Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory", e);
        }
        int count = options.nodes();
        // Client and controller ports are taken in one call, so a port released by the first set cannot
        // come back in the second: a node whose two listeners share a port does not start.
        int[] free = freePorts(2 * count);
        int[] clientPorts = options.port() == 0
                ? Arrays.copyOfRange(free, 0, count)
                : IntStream.range(0, count).map(i -> options.port() + i).toArray();
        Set<Integer> taken = Arrays.stream(clientPorts).boxed().collect(Collectors.toSet());
        int[] controllerPorts = Arrays.stream(free)
                .skip(options.port() == 0 ? count : 0)
                .filter(p -> !taken.contains(p))
                .limit(count) // 2 x count free ports less at most count taken by clients: always enough
                .toArray();
        String voters = IntStream.range(0, count)
                .mapToObj(i -> i + "@127.0.0.1:" + controllerPorts[i])
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            KafkaConfig config =
                    new KafkaConfig(nodeConfig(options, dir, i, clientPorts[i], controllerPorts[i], voters), false);
            format(config, clusterId, options.security());
            nodes.add(new Node(i, clientPorts[i], config));
        }
        EmbeddedKafka kafka = new EmbeddedKafka(dir, temporary, nodes, options.security());
        try {
            // Nodes start together: each waits for a controller quorum that needs a majority of them.
            kafka.startNodes(nodes);
            kafka.awaitBrokers(count);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info(
                "embedded Kafka started nodes={} bootstrap={} dir={} ms={}",
                count,
                kafka.bootstrapServers(),
                dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        return kafka;
    }

    /** The client bootstrap list of the running nodes, e.g. {@code 127.0.0.1:40123,127.0.0.1:40125}. */
    public String bootstrapServers() {
        return nodes.stream()
                .filter(Node::running)
                .map(n -> "127.0.0.1:" + n.port)
                .collect(Collectors.joining(","));
    }

    /**
     * What a client needs besides the bootstrap servers: nothing on a plain cluster; on a secured one
     * the SASL_SSL settings of {@code user} (see {@link Security#clientProperties}).
     */
    public Map<String, String> clientProperties(String user) {
        return security == null ? Map.of() : security.clientProperties(user);
    }

    /** Whether the client listener is SASL_SSL with the standard authorizer. */
    public boolean secured() {
        return security != null;
    }

    /** Number of nodes in the cluster, running or stopped. */
    public int nodeCount() {
        return nodes.size();
    }

    /** The directory holding every node's logs. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Stops node {@code id} (0-based) with a controlled shutdown, keeping its data so that {@link
     * #startNode} brings it back with the same id, port and logs.
     */
    public void stopNode(int id) {
        long began = System.nanoTime();
        node(id).stop();
        LOG.info(
                "embedded Kafka node stopped node={} ms={}",
                id,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /** Starts a node stopped by {@link #stopNode} again and waits until it has rejoined. */
    public void startNode(int id) {
        long began = System.nanoTime();
        Node node = node(id);
        if (node.running()) {
            throw new IllegalStateException("node " + id + " is already running");
        }
        startNodes(List.of(node));
        awaitBrokers((int) nodes.stream().filter(Node::running).count());
        LOG.info(
                "embedded Kafka node started node={} ms={}",
                id,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /** Stops every node; a temporary data directory is deleted. */
    @Override
    public void close() {
        try {
            inParallel(nodes.stream().filter(Node::running).toList(), Node::stop)
                    .join();
        } catch (CompletionException e) {
            LOG.warn("embedded Kafka shutdown failed error={}", String.valueOf(e.getCause()));
        }
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    private Node node(int id) {
        if (id < 0 || id >= nodes.size()) {
            throw new IllegalArgumentException("no node " + id + "; nodes are 0.." + (nodes.size() - 1));
        }
        return nodes.get(id);
    }

    private void startNodes(List<Node> toStart) {
        try {
            inParallel(toStart, Node::start).get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("embedded Kafka failed to start: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("embedded Kafka did not start within " + READY_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting embedded Kafka", e);
        }
    }

    /** Runs {@code action} on each node in a thread of its own: starts and stops block until a quorum answers. */
    private static CompletableFuture<Void> inParallel(List<Node> targets, java.util.function.Consumer<Node> action) {
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (Node node : targets) {
            CompletableFuture<Void> run = new CompletableFuture<>();
            Thread.ofPlatform().name("embedded-kafka-" + node).daemon().start(() -> {
                try {
                    action.accept(node);
                    run.complete(null);
                } catch (Throwable t) {
                    run.completeExceptionally(t);
                }
            });
            runs.add(run);
        }
        return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new));
    }

    /** Waits until the cluster metadata lists {@code expected} brokers, i.e. they are unfenced. */
    private void awaitBrokers(int expected) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> adminConfig = new java.util.HashMap<>(clientProperties(BROKER_USER));
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                int registered;
                try {
                    registered = admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .size();
                } catch (ExecutionException | TimeoutException e) {
                    registered = -1;
                }
                if (registered >= expected) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka: " + expected + " brokers expected, " + registered
                            + " registered after " + READY_TIMEOUT);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        }
    }

    private static Map<String, String> nodeConfig(
            Options options, Path dir, int id, int port, int controllerPort, String voters) {
        int count = options.nodes();
        String replication = String.valueOf(count);
        // With three nodes one may be down and writes still succeed; with one node nothing else is possible.
        String minIsr = String.valueOf(count == 1 ? 1 : count - 1);
        Security security = options.security();
        String listener = security == null ? BROKER_LISTENER : SECURED_LISTENER;
        Map<String, String> props = new java.util.HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(id));
        props.put("controller.quorum.voters", voters);
        props.put(
                "listeners",
                listener + "://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", listener + "://127.0.0.1:" + port);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put(
                "listener.security.protocol.map", listener + ":" + listener + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", listener);
        if (security != null) {
            props.putAll(securedListener(security));
        }
        props.put("log.dirs", dir.resolve("node-" + id).toString());
        props.put("offsets.topic.replication.factor", replication);
        // Fewer internal partitions than production defaults (50) make the first group and the first
        // transaction seconds faster on a small machine.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("default.replication.factor", replication);
        props.put("group.initial.rebalance.delay.ms", "0");
        // Frequent heartbeats let a (re)started broker be unfenced, and a stopping one released, in well
        // under a second instead of the production 2 s rhythm.
        props.put("broker.heartbeat.interval.ms", "250");
        // A node stopped while it was the active controller may leave its broker registration behind;
        // it cannot rejoin until that session expires (9 s in production).
        props.put("broker.session.timeout.ms", "4000");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        props.putAll(options.brokerConfig());
        return props;
    }

    private static Map<String, String> securedListener(Security security) {
        Map<String, String> props = new java.util.HashMap<>();
        props.put("sasl.enabled.mechanisms", SCRAM);
        props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        props.put(
                "listener.name." + SECURED_LISTENER.toLowerCase(java.util.Locale.ROOT) + "."
                        + SCRAM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                security.clientProperties(BROKER_USER).get("sasl.jaas.config"));
        props.put("ssl.keystore.location", security.keyStore().toString());
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.password", security.storePassword());
        props.put("ssl.key.password", security.storePassword());
        props.put("ssl.truststore.location", security.trustStore().toString());
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.password", security.storePassword());
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("allow.everyone.if.no.acl.found", "false");
        List<String> supers = new ArrayList<>();
        supers.add("User:" + BROKER_USER);
        // the nodes' own requests on the PLAINTEXT controller listener
        supers.add("User:ANONYMOUS");
        security.superUsers().forEach(u -> supers.add("User:" + u));
        props.put("super.users", String.join(";", supers));
        return props;
    }

    /** The format tool's SCRAM arguments: the nodes' own user and every configured one. */
    private static List<String> scramArguments(Security security) {
        Map<String, String> users = new java.util.TreeMap<>(security.users());
        users.put(BROKER_USER, security.brokerPassword());
        return users.entrySet().stream()
                .map(u -> SCRAM + "=[name=" + u.getKey() + ",password=" + u.getValue() + "]")
                .toList();
    }

    private static void format(KafkaConfig config, String clusterId, @Nullable Security security) {
        if (Files.exists(Path.of(config.metadataLogDir(), "meta.properties"))) {
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .setClusterId(clusterId)
                .setNodeId(config.nodeId())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
        if (security != null) {
            formatter.setScramArguments(scramArguments(security));
        }
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot format Kafka storage in " + config.metadataLogDir() + ": " + e.getMessage(), e);
        }
    }

    private static int[] freePorts(int count) {
        // Held open together so the same port is never handed out twice; the brief window between
        // closing and the broker binding is the usual price of fixed voter addresses.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                sockets.add(socket);
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // a socket that does not close still frees its port when the JVM exits
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete embedded Kafka directory dir={} error={}", dir, e.toString());
        }
    }

    /** One combined broker+controller; its config (ports, id, directory) survives a restart. */
    private static final class Node {
        private final int id;
        private final int port;
        private final KafkaConfig config;
        private volatile @Nullable KafkaRaftServer server;

        Node(int id, int port, KafkaConfig config) {
            this.id = id;
            this.port = port;
            this.config = config;
        }

        boolean running() {
            return server != null;
        }

        void start() {
            KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
            server = s;
            s.startup();
        }

        void stop() {
            KafkaRaftServer s = server;
            if (s == null) {
                return;
            }
            s.shutdown();
            s.awaitShutdown();
            server = null;
        }

        @Override
        public String toString() {
            return "node-" + id;
        }
    }
}
