package io.drainwatch.detector.chain;

import java.math.BigInteger;
import java.util.Locale;

/** Quantities and data as JSON-RPC writes them: 0x-prefixed hex. */
final class Hex {
    private Hex() {}

    static BigInteger big(String hex) {
        String digits = strip(hex);
        return digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits, 16);
    }

    static long lng(String hex) {
        return big(hex).longValueExact();
    }

    static String quantity(long value) {
        return "0x" + Long.toHexString(value);
    }

    static String strip(String hex) {
        return hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    }

    static String lower(String hex) {
        return hex.toLowerCase(Locale.ROOT);
    }

    /** The address in the low 20 bytes of a 32-byte word (an indexed topic). */
    static String addressFromWord(String word) {
        String digits = strip(word);
        return "0x" + lower(digits.substring(digits.length() - 40));
    }

    /** The {@code index}-th 32-byte word of ABI-encoded data, as hex digits without 0x. */
    static String word(String data, int index) {
        String digits = strip(data);
        int start = index * 64;
        if (digits.length() < start + 64) {
            throw new IllegalArgumentException("ABI data too short for word " + index);
        }
        return digits.substring(start, start + 64);
    }

    static BigInteger wordNumber(String data, int index) {
        return new BigInteger(word(data, index), 16);
    }

    static int words(String data) {
        return strip(data).length() / 64;
    }

    static String pad(String address) {
        return "0".repeat(24) + strip(address);
    }
}
