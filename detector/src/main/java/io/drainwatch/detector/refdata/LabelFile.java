package io.drainwatch.detector.refdata;

import io.drainwatch.detector.topic.Keys;
import io.drainwatch.schemas.AddressLabel;
import io.drainwatch.schemas.LabelCategory;
import java.util.List;
import java.util.Optional;

/**
 * The address-labels file: {@code address,category,source} and optionally {@code chain_id} (empty:
 * every chain) and {@code note}. Key {@code chainId:address}, or {@code *:address} for every chain.
 */
public final class LabelFile implements ReferenceFormat<AddressLabel> {
    @Override
    public List<String> keyColumns() {
        return List.of("address");
    }

    @Override
    public List<String> valueColumns() {
        return List.of("category", "source");
    }

    @Override
    public List<String> optionalColumns() {
        return List.of("chain_id", "note");
    }

    @Override
    public String key(RowFields row) throws RowRejected {
        String address = Fields.address("address", row.required("address"));
        Optional<Long> chain = chainId(row);
        return chain.isPresent() ? Keys.address(chain.get(), address) : Keys.everyChain(address);
    }

    @Override
    public AddressLabel value(RowFields row) throws RowRejected {
        return AddressLabel.newBuilder()
                .setChainId(chainId(row).orElse(null))
                .setAddress(Fields.address("address", row.required("address")))
                .setCategory(Fields.symbol("category", row.required("category"), LabelCategory.class))
                .setSource(row.required("source"))
                .setNote(row.optional("note").orElse(null))
                .build();
    }

    private static Optional<Long> chainId(RowFields row) throws RowRejected {
        Optional<String> raw = row.optional("chain_id");
        return raw.isEmpty() || raw.get().equals("*") ? Optional.empty() : Optional.of(Fields.chainId(raw.get()));
    }
}
