package io.drainwatch.detector.rules;

import java.util.Locale;

/** Formats USD amounts for people: $950, $12,345, $1.2M. */
public final class Money {
    private Money() {}

    public static String usd(double value) {
        double abs = Math.abs(value);
        if (abs >= 1_000_000_000) {
            return String.format(Locale.ROOT, "$%.1fB", value / 1e9);
        }
        if (abs >= 1_000_000) {
            return String.format(Locale.ROOT, "$%.1fM", value / 1e6);
        }
        return String.format(Locale.ROOT, "$%,.0f", value);
    }

    /** A short form of an address for one-line summaries: 0x1234…abcd. */
    public static String shortAddress(String address) {
        return address.length() <= 12
                ? address
                : address.substring(0, 6) + "…" + address.substring(address.length() - 4);
    }
}
