package io.drainwatch.detector.cli;

import io.drainwatch.detector.refdata.AllowlistFile;
import io.drainwatch.detector.refdata.LabelFile;
import io.drainwatch.detector.refdata.PriceFile;
import io.drainwatch.detector.refdata.SignedTxFile;
import io.drainwatch.detector.refdata.WalletFile;
import io.drainwatch.detector.topic.TopicCatalogue;
import java.time.Instant;
import java.util.Locale;

/** The operator's reference tables: each one's file format, record type, topic and help text. */
enum ReferenceTable {
    WALLETS(
            "Watched wallets (compacted topic drainwatch.wallets, key chainId:address).",
            "Load a watched-wallets file: columns chain_id,address,custody_group; optional owner_ref,tags (separated by ;)."),
    ALLOWLIST(
            "Allowed counterparties (compacted topic drainwatch.allowlist, key chainId:address/custodyGroup).",
            "Load an allowlist file: columns chain_id,address,custody_group,kind,note; custody_group * means every group;"
                    + " kind is own-hot, own-cold, exchange, user-withdrawal or other."),
    LABELS(
            "Address labels (compacted topic drainwatch.labels, key chainId:address, or *:address for every chain).",
            "Load an address-labels file: columns address,category,source; optional chain_id (empty: every chain), note;"
                    + " category is sanctioned, attacker, drainer, mixer, bridge, exchange, own or other."),
    PRICES(
            "Token prices in USD (compacted topic drainwatch.prices, key chainId:asset).",
            "Load a token-prices file: columns chain_id,asset,usd_price,decimals; optional symbol; asset is native or the"
                    + " token address; prices are stamped with the import time."),
    SIGNED_TX(
            "The custodian's signer log (compacted topic drainwatch.signed-tx, key chainId:txHash).",
            "Load a signer log: columns chain_id,tx_hash; optional from,to,nonce,signed_at (ISO-8601 UTC),signer,"
                    + "signer_request_id,custody_group,reference; rows without signed_at are stamped with the import time.");

    private final String table;
    private final String columns;

    ReferenceTable(String table, String columns) {
        this.table = table;
        this.columns = columns;
    }

    /** The name on the command line: {@code wallets}, {@code allowlist}, {@code labels}, {@code prices}, {@code signed-tx}. */
    String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The table named {@code id} on the command line (either case; {@code signed_tx} for {@code signed-tx} too). */
    static ReferenceTable of(String id) {
        for (ReferenceTable table : values()) {
            if (table.id().equalsIgnoreCase(id.strip().replace('_', '-'))) {
                return table;
            }
        }
        throw new IllegalArgumentException(
                "'" + id + "' is not a table: use wallets, allowlist, labels, prices or signed-tx");
    }

    /** What the table holds. */
    String table() {
        return table;
    }

    /** The columns of its file. */
    String columns() {
        return columns;
    }

    /** The import of this table's files into its topic of {@code topics}; prices are stamped with {@code now}. */
    ReferenceImport<?> importer(Instant now, TopicCatalogue topics) {
        return switch (this) {
            case WALLETS -> new ReferenceImport<>(new WalletFile(), topics.wallets());
            case ALLOWLIST -> new ReferenceImport<>(new AllowlistFile(), topics.allowlist());
            case LABELS -> new ReferenceImport<>(new LabelFile(), topics.labels());
            case PRICES -> new ReferenceImport<>(new PriceFile(now), topics.prices());
            case SIGNED_TX -> new ReferenceImport<>(new SignedTxFile(now), topics.signedTx());
        };
    }
}
