package io.drainwatch.detector.demo;

import io.drainwatch.detector.config.Topics;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record of the scenario: which topic it goes to and its Avro value. Its key is the topic's key of
 * the value ({@link io.drainwatch.detector.topic.TopicCatalogue}), made when it is written.
 */
public record FeedRecord(Target target, SpecificRecord value) {

    /** The topics the scenario writes, named by role so the scenario itself needs no Kafka settings. */
    public enum Target {
        WALLETS(Topics::wallets),
        LABELS(Topics::labels),
        ALLOWLIST(Topics::allowlist),
        PRICES(Topics::prices),
        SIGNED_TX(Topics::signedTx),
        BALANCES(Topics::balances),
        HEADS(Topics::heads),
        TRANSFERS(Topics::transfers),
        APPROVALS(Topics::approvals),
        DELEGATIONS(Topics::delegations);

        private final Function<Topics, String> name;

        Target(Function<Topics, String> name) {
            this.name = name;
        }

        /** The topic's name under {@code topics}. */
        public String topic(Topics topics) {
            return name.apply(topics);
        }
    }
}
