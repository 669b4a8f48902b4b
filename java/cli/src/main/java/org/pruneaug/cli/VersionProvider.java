package org.pruneaug.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = PruneAugCli.class.getPackage().getImplementationVersion();
        return new String[] {"pruneaug " + (v == null ? "dev" : v)};
    }
}
