package io.drainwatch.detector.demo;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The shapes of attack the demo can play, each on its own custody group or wallets. */
public enum Attack {
    /** Many wallets swept to a few shared fresh addresses. */
    SWEEP("sweep to a few shared fresh addresses"),
    /** Many small wallets, each swept to its own fresh address, token-only ones first topped up with gas. */
    MASS_SWEEP("mass sweep of small wallets, each to its own fresh address"),
    /** An unlimited token approval to a fresh contract, then transferFrom by that spender. */
    APPROVAL("unlimited approval to a fresh contract, then transferFrom by the spender"),
    /** EIP-7702 delegation of watched wallets to a sweeper contract, which then forwards their funds. */
    DELEGATION("EIP-7702 delegation to a sweeper contract, then forwards"),
    /** A wallet emptied in 10-15% steps to one unknown address. */
    DRIP("a wallet drained in 10-15% steps to one unknown address");

    private final String description;

    Attack(String description) {
        this.description = description;
    }

    /** The shapes the demo plays unless told otherwise. */
    public static Set<Attack> defaults() {
        return EnumSet.allOf(Attack.class);
    }

    /** The name on the command line: {@code sweep}, {@code mass-sweep}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** One line on what the attacker does. */
    public String description() {
        return description;
    }

    /** The shape named {@code id} on the command line. */
    public static Attack of(String id) {
        for (Attack a : values()) {
            if (a.id().equals(id.strip().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown attack '" + id + "'; one of " + ids());
    }

    /** Every shape's name, comma-separated. */
    public static String ids() {
        return Arrays.stream(values()).map(Attack::id).collect(Collectors.joining(", "));
    }
}
