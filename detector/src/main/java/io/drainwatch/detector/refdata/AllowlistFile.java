package io.drainwatch.detector.refdata;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.AllowedCounterparty;
import io.drainwatch.schemas.CounterpartyKind;
import java.util.List;

/**
 * The allowlist file: {@code chain_id,address,custody_group,kind,note}; {@code custody_group} may be
 * {@code *} (every group), {@code kind} is own-hot, own-cold, exchange, user-withdrawal or other.
 * Key {@code chainId:address/custodyGroup}.
 */
public final class AllowlistFile implements ReferenceFormat<AllowedCounterparty> {
    @Override
    public List<String> keyColumns() {
        return List.of("chain_id", "address", "custody_group");
    }

    @Override
    public List<String> valueColumns() {
        return List.of("kind", "note");
    }

    @Override
    public List<String> optionalColumns() {
        return List.of();
    }

    @Override
    public String key(RowFields row) throws RowRejected {
        String address = Fields.address("address", row.required("address"));
        return Keys.allowed(Fields.chainId(row.required("chain_id")), address, row.required("custody_group"));
    }

    @Override
    public AllowedCounterparty value(RowFields row) throws RowRejected {
        return AllowedCounterparty.newBuilder()
                .setChainId(Fields.chainId(row.required("chain_id")))
                .setAddress(Fields.address("address", row.required("address")))
                .setCustodyGroup(row.required("custody_group"))
                .setKind(Fields.symbol("kind", row.required("kind"), CounterpartyKind.class))
                .setNote(row.optional("note").orElse(null))
                .build();
    }
}
