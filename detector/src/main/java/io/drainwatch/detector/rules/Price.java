package io.drainwatch.detector.rules;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/** The USD price of one whole unit of an asset with {@code decimals} decimals. */
public record Price(double usd, int decimals) {

    /** The estimated USD value of a raw integer amount. */
    public double value(BigInteger rawAmount) {
        return new BigDecimal(rawAmount)
                .movePointLeft(decimals)
                .multiply(BigDecimal.valueOf(usd), MathContext.DECIMAL64)
                .doubleValue();
    }
}
