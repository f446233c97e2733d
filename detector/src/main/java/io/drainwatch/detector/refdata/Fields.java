package io.drainwatch.detector.refdata;

import io.drainwatch.detector.model.Addresses;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of the column types shared by the file formats, with reasons an operator can act on. */
public final class Fields {
    private Fields() {}

    /** A chain id: a positive decimal integer (1 for Ethereum mainnet). */
    public static long chainId(String raw) throws RowRejected {
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RowRejected("chain_id must be a positive integer, was '" + raw + "'");
    }

    /** An EVM address as lowercase 0x hex; mixed case must carry a valid EIP-55 checksum. */
    public static String address(String column, String raw) throws RowRejected {
        var problem = Addresses.problem(raw);
        if (problem.isPresent()) {
            throw new RowRejected(column + ": " + problem.get());
        }
        return Addresses.normalize(raw);
    }

    /** An enum symbol from a lowercase, dash-separated word: {@code own-hot} is {@code OWN_HOT}. */
    static <E extends Enum<E>> E symbol(String column, String raw, Class<E> type) throws RowRejected {
        String name = raw.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new RowRejected(column + " '" + raw + "' is not one of " + words(type));
    }

    /** The accepted spellings of an enum, as operators write them. */
    static <E extends Enum<E>> String words(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
    }

    /** A list written in one field, items separated by semicolons; blanks dropped. */
    static List<String> list(String raw) {
        return Arrays.stream(raw.split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
