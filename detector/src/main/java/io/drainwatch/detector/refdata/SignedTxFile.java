package io.drainwatch.detector.refdata;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.SignedTransaction;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The custodian's signer log: {@code chain_id,tx_hash} and optionally {@code from, to, nonce,
 * signed_at, signer, signer_request_id, custody_group, reference}. Key {@code chainId:txHash}, the
 * hash in lowercase, as the detector looks a transfer's transaction up. A row without {@code
 * signed_at} is stamped with the import time.
 */
public final class SignedTxFile implements ReferenceFormat<SignedTransaction> {
    private static final Pattern TX_HASH = Pattern.compile("0x[0-9a-f]{64}");

    private final Instant importedAt;

    public SignedTxFile(Instant importedAt) {
        this.importedAt = importedAt;
    }

    @Override
    public List<String> keyColumns() {
        return List.of("chain_id", "tx_hash");
    }

    @Override
    public List<String> valueColumns() {
        return List.of();
    }

    @Override
    public List<String> optionalColumns() {
        return List.of("from", "to", "nonce", "signed_at", "signer", "signer_request_id", "custody_group", "reference");
    }

    @Override
    public String key(RowFields row) throws RowRejected {
        return Keys.signed(Fields.chainId(row.required("chain_id")), txHash(row.required("tx_hash")));
    }

    @Override
    public SignedTransaction value(RowFields row) throws RowRejected {
        String group = row.optional("custody_group").orElse(null);
        if ("*".equals(group)) {
            throw new RowRejected("custody_group '*' means every group and is only accepted in the allowlist");
        }
        return SignedTransaction.newBuilder()
                .setChainId(Fields.chainId(row.required("chain_id")))
                .setTxHash(txHash(row.required("tx_hash")))
                .setFrom(row.optional("from").isPresent() ? Fields.address("from", row.required("from")) : "")
                .setTo(row.optional("to").isPresent() ? Fields.address("to", row.required("to")) : null)
                .setNonce(row.optional("nonce").isPresent() ? nonce(row.required("nonce")) : null)
                .setSignedAt(row.optional("signed_at").isPresent() ? signedAt(row.required("signed_at")) : importedAt)
                .setSigner(row.optional("signer").orElse(null))
                .setSignerRequestId(row.optional("signer_request_id").orElse(null))
                .setCustodyGroup(group)
                .setReference(row.optional("reference").orElse(null))
                .build();
    }

    /** A transaction hash: 0x and 64 hex digits, either case; returned in lowercase. */
    static String txHash(String raw) throws RowRejected {
        String lower = raw.toLowerCase(Locale.ROOT);
        if (!TX_HASH.matcher(lower).matches()) {
            throw new RowRejected("tx_hash must be 0x followed by 64 hex digits, was '" + raw + "'");
        }
        return lower;
    }

    private static long nonce(String raw) throws RowRejected {
        try {
            long nonce = Long.parseLong(raw);
            if (nonce >= 0) {
                return nonce;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RowRejected("nonce must be an integer of at least 0, was '" + raw + "'");
    }

    private static Instant signedAt(String raw) throws RowRejected {
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new RowRejected(
                    "signed_at must be an ISO-8601 UTC time such as 2026-06-04T10:00:00Z, was '" + raw + "'");
        }
    }
}
