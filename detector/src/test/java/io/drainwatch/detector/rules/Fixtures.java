package io.drainwatch.detector.rules;

import io.drainwatch.detector.config.DetectorConfig;
import io.drainwatch.detector.config.RuleSettings;
import io.drainwatch.schemas.CounterpartyKind;
import io.drainwatch.schemas.LabelCategory;
import io.drainwatch.schemas.TransferKind;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reference data and transfers for rule tests: chain 1, ETH at $3,000, a 6-decimal token at $1. */
final class Fixtures {
    static final String WALLET = "0x00000000000000000000000000000000000000a1";
    static final String OTHER_WALLET = "0x00000000000000000000000000000000000000a2";
    static final String HOT = "0x00000000000000000000000000000000000000b0";
    static final String STRANGER = "0x00000000000000000000000000000000000000c0";
    static final String TOKEN = "0x00000000000000000000000000000000000000d0";
    static final BigInteger ETH = BigInteger.TEN.pow(18);

    static RuleSettings rules(String... overrides) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < overrides.length; i += 2) {
            map.put(overrides[i], overrides[i + 1]);
        }
        return DetectorConfig.withOverrides(map, "unused:9092").rules("retail");
    }

    static Transfer eth(String from, String to, BigInteger amount, BigInteger before, BigInteger after, long time) {
        return new Transfer(
                1,
                from,
                to,
                TransferKind.NATIVE,
                "native",
                amount,
                18,
                "e-" + from + "-" + to + "-" + time + "-" + amount,
                "0xtx" + time + amount,
                100 + time / 12_000,
                time,
                false,
                before,
                after,
                null,
                null);
    }

    static Transfer token(String from, String to, BigInteger amount, BigInteger before, BigInteger after, long time) {
        return new Transfer(
                1,
                from,
                to,
                TransferKind.ERC20,
                TOKEN,
                amount,
                6,
                "t-" + from + "-" + to + "-" + time,
                "0xtt" + time,
                100 + time / 12_000,
                time,
                false,
                before,
                after,
                null,
                null);
    }

    static BigInteger eth(double amount) {
        return new java.math.BigDecimal(amount)
                .multiply(new java.math.BigDecimal(ETH))
                .toBigInteger();
    }

    /** In-memory reference data; mutable for the test's set-up. */
    static final class Reference implements ReferenceData {
        final Map<String, CounterpartyKind> allowed = new HashMap<>();
        final Map<String, LabelCategory> labels = new HashMap<>();
        final Set<String> signed = new HashSet<>();
        final Set<String> watched = new HashSet<>(Set.of(WALLET, OTHER_WALLET));

        Reference() {
            allowed.put(HOT, CounterpartyKind.OWN_HOT);
        }

        @Override
        public Optional<CounterpartyKind> allowed(long chainId, String address, String custodyGroup) {
            return Optional.ofNullable(allowed.get(address));
        }

        @Override
        public Optional<LabelCategory> label(long chainId, String address) {
            return Optional.ofNullable(labels.get(address));
        }

        @Override
        public Optional<Price> price(long chainId, String asset) {
            return switch (asset) {
                case "native" -> Optional.of(new Price(3000, 18));
                case TOKEN -> Optional.of(new Price(1, 6));
                default -> Optional.empty();
            };
        }

        @Override
        public boolean signed(long chainId, String txHash) {
            return signed.contains(txHash);
        }

        @Override
        public boolean watched(long chainId, String address) {
            return watched.contains(address);
        }
    }
}
