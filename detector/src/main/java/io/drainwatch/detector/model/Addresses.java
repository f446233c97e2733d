package io.drainwatch.detector.model;

import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.Keys;

/**
 * EVM address handling: drainwatch stores and keys every address as lowercase 0x-prefixed hex and
 * checks EIP-55 checksums on mixed-case input.
 */
public final class Addresses {
    /** The placeholder asset id of a chain's native coin. */
    public static final String NATIVE = "native";

    private Addresses() {}

    /**
     * Normalises {@code raw} to lowercase 0x hex, or says why it is not an address: not 40 hex digits,
     * or mixed case whose EIP-55 checksum does not match.
     */
    public static Optional<String> problem(String raw) {
        String s = raw.strip();
        if (!s.startsWith("0x") && !s.startsWith("0X")) {
            return Optional.of("address must start with 0x: '" + s + "'");
        }
        String hex = s.substring(2);
        if (hex.length() != 40) {
            return Optional.of("address must have 40 hex digits, has " + hex.length() + ": '" + s + "'");
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                return Optional.of("address has a non-hex character '" + hex.charAt(i) + "': '" + s + "'");
            }
        }
        boolean mixed = !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
        if (mixed && !Keys.toChecksumAddress(hex).substring(2).equals(hex)) {
            return Optional.of("EIP-55 checksum mismatch (expected " + Keys.toChecksumAddress(hex) + "): '" + s + "'");
        }
        return Optional.empty();
    }

    /** {@code raw} as lowercase 0x hex; throws {@link IllegalArgumentException} with the reason if it is not an address. */
    public static String normalize(String raw) {
        problem(raw).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return "0x" + raw.strip().substring(2).toLowerCase(Locale.ROOT);
    }

    /** The EIP-55 checksummed form, for display. */
    public static String checksummed(String address) {
        return Keys.toChecksumAddress(address);
    }
}
