package io.drainwatch.detector.backtest;

import io.drainwatch.detector.refdata.Fields;
import io.drainwatch.detector.refdata.ReferenceFormat;
import io.drainwatch.detector.refdata.RowFields;
import io.drainwatch.detector.refdata.RowRejected;
import io.drainwatch.detector.topic.Keys;
import java.util.List;
import java.util.Optional;

/**
 * The known-victims file of a backtest: {@code chain_id,address} and optionally {@code first_block}
 * (the block of the victim's first unauthorised outflow). Same CSV rules as the reference files.
 */
public final class TruthFile implements ReferenceFormat<Victim> {
    @Override
    public List<String> keyColumns() {
        return List.of("chain_id", "address");
    }

    @Override
    public List<String> valueColumns() {
        return List.of();
    }

    @Override
    public List<String> optionalColumns() {
        return List.of("first_block");
    }

    @Override
    public String key(RowFields row) throws RowRejected {
        return Keys.address(chainId(row), address(row));
    }

    @Override
    public Victim value(RowFields row) throws RowRejected {
        Optional<String> first = row.optional("first_block");
        Long firstBlock = null;
        if (first.isPresent()) {
            try {
                firstBlock = Long.parseLong(first.get());
            } catch (NumberFormatException e) {
                firstBlock = -1L;
            }
            if (firstBlock < 0) {
                throw new RowRejected("first_block must be a block number (0 or more), was '" + first.get() + "'");
            }
        }
        return new Victim(chainId(row), address(row), firstBlock);
    }

    private static long chainId(RowFields row) throws RowRejected {
        return Fields.chainId(row.required("chain_id"));
    }

    private static String address(RowFields row) throws RowRejected {
        return Fields.address("address", row.required("address"));
    }
}
