package io.drainwatch.detector.chain;

import io.drainwatch.detector.config.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@code drainwatch ingest} as the tests run it against anvil: its chain from block 0,
 * polled every 200 ms with requests of at most 2 s, into {@code topics}. The caller adds the node's URL
 * (an option or the environment) and the metrics options.
 */
public final class IngestArgs {
    private IngestArgs() {}

    /** {@code ingest} and its options, writing to {@code topics} with its progress in {@code progressTopic}. */
    public static List<String> of(String bootstrapServers, String progressTopic, Topics topics) {
        return new ArrayList<>(List.of(
                "ingest",
                "--chain-id",
                Long.toString(AnvilNode.CHAIN_ID),
                "--from-block",
                "0",
                "--poll-interval",
                "PT0.2S",
                "--rpc-timeout",
                "PT2S",
                "--bootstrap-servers",
                bootstrapServers,
                "--progress-topic",
                progressTopic,
                "--topic",
                "transfers=" + topics.transfers(),
                "--topic",
                "approvals=" + topics.approvals(),
                "--topic",
                "delegations=" + topics.delegations(),
                "--topic",
                "balances=" + topics.balances(),
                "--topic",
                "heads=" + topics.heads(),
                "--topic",
                "wallets=" + topics.wallets()));
    }
}
