package io.drainwatch.detector.security;

import io.drainwatch.detector.config.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs each drainwatch role needs and nothing more, as docs/security.md lists them: the test
 * grants exactly these and shows that each role works with them and fails without them.
 */
final class RoleAcls {
    private RoleAcls() {}

    /**
     * {@code drainwatch detect}: reads the chain and reference topics, writes alerts, incidents and
     * dead letters in transactions, and owns every resource named after its application id (internal
     * topics, its consumer group, its transactional ids).
     */
    static List<AclBinding> detect(String user, Topics topics, String applicationId) {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : List.of(
                topics.transfers(),
                topics.approvals(),
                topics.delegations(),
                topics.balances(),
                topics.heads(),
                topics.wallets(),
                topics.labels(),
                topics.allowlist(),
                topics.prices(),
                topics.signedTx())) {
            acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ));
        }
        for (String topic : List.of(topics.alerts(), topics.incidents(), topics.deadLetter())) {
            acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        // The tainted-addresses global table reads the detector's own alerts back (funds-exit).
        acls.add(allow(user, ResourceType.TOPIC, topics.alerts(), PatternType.LITERAL, AclOperation.READ));
        // Repartition and changelog topics: created at first start, read and written; DELETE lets Streams
        // purge consumed repartition records (Admin.deleteRecords), without it those topics, created with
        // infinite retention, only grow. DESCRIBE_CONFIGS is not needed.
        for (AclOperation op :
                List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE)) {
            acls.add(allow(user, ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED, op));
        }
        acls.add(allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(
                user, ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, AclOperation.WRITE));
        return acls;
    }

    /** {@code drainwatch relay}: reads incidents and alerts in its consumer group and commits there. */
    static List<AclBinding> relay(String user, Topics topics, String groupId) {
        return List.of(
                allow(user, ResourceType.TOPIC, topics.incidents(), PatternType.LITERAL, AclOperation.READ),
                allow(user, ResourceType.TOPIC, topics.alerts(), PatternType.LITERAL, AclOperation.READ),
                allow(user, ResourceType.GROUP, groupId, PatternType.LITERAL, AclOperation.READ));
    }

    /**
     * {@code drainwatch ingest --chain-id N}: writes the chain topics and its progress in transactions
     * of its own transactional id, reads its progress and the watched wallets without a group.
     */
    static List<AclBinding> ingest(String user, Topics topics, String progressTopic, String transactionalId) {
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : List.of(
                topics.transfers(), topics.approvals(), topics.delegations(), topics.balances(), topics.heads())) {
            acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
        }
        acls.add(allow(user, ResourceType.TOPIC, progressTopic, PatternType.LITERAL, AclOperation.WRITE));
        acls.add(allow(user, ResourceType.TOPIC, progressTopic, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(user, ResourceType.TOPIC, progressTopic, PatternType.LITERAL, AclOperation.CREATE));
        acls.add(allow(user, ResourceType.TOPIC, topics.wallets(), PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, transactionalId, PatternType.LITERAL, AclOperation.WRITE));
        return acls;
    }

    /** {@code drainwatch wallets|labels|allowlist|prices import}: writes its one topic (idempotent producer). */
    static List<AclBinding> importer(String user, String topic) {
        return List.of(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE));
    }

    /** {@code drainwatch alerts tail}: reads alerts and incidents without a consumer group. */
    static List<AclBinding> tail(String user, Topics topics) {
        return List.of(
                allow(user, ResourceType.TOPIC, topics.alerts(), PatternType.LITERAL, AclOperation.READ),
                allow(user, ResourceType.TOPIC, topics.incidents(), PatternType.LITERAL, AclOperation.READ));
    }

    static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }
}
