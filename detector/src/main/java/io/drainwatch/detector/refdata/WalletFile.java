package io.drainwatch.detector.refdata;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.WatchedWallet;
import java.util.List;

/**
 * The watched-wallets file: {@code chain_id,address,custody_group} and optionally {@code
 * owner_ref,tags} (tags separated by semicolons). Key {@code chainId:address}.
 */
public final class WalletFile implements ReferenceFormat<WatchedWallet> {
    @Override
    public List<String> keyColumns() {
        return List.of("chain_id", "address");
    }

    @Override
    public List<String> valueColumns() {
        return List.of("custody_group");
    }

    @Override
    public List<String> optionalColumns() {
        return List.of("owner_ref", "tags");
    }

    @Override
    public String key(RowFields row) throws RowRejected {
        return Keys.address(
                Fields.chainId(row.required("chain_id")), Fields.address("address", row.required("address")));
    }

    @Override
    public WatchedWallet value(RowFields row) throws RowRejected {
        String group = row.required("custody_group");
        if (group.equals("*")) {
            throw new RowRejected("custody_group '*' means every group and is only accepted in the allowlist");
        }
        return WatchedWallet.newBuilder()
                .setChainId(Fields.chainId(row.required("chain_id")))
                .setAddress(Fields.address("address", row.required("address")))
                .setCustodyGroup(group)
                .setOwnerRef(row.optional("owner_ref").orElse(null))
                .setTags(row.optional("tags").map(Fields::list).orElse(List.of()))
                .build();
    }
}
