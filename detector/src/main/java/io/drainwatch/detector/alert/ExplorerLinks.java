package io.drainwatch.detector.alert;

import java.util.Optional;

/** Block explorer links for alerts, as configured per chain. */
public interface ExplorerLinks {
    Optional<String> tx(long chainId, String txHash);

    Optional<String> address(long chainId, String address);

    static ExplorerLinks none() {
        return new ExplorerLinks() {
            @Override
            public Optional<String> tx(long chainId, String txHash) {
                return Optional.empty();
            }

            @Override
            public Optional<String> address(long chainId, String address) {
                return Optional.empty();
            }
        };
    }
}
