package io.drainwatch.detector.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version recorded in the jar's manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Drainwatch.class.getPackage().getImplementationVersion();
        return new String[] {"drainwatch " + (version == null ? "(development build)" : version)};
    }
}
