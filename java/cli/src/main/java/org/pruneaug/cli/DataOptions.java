package org.pruneaug.cli;

import java.nio.file.Path;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.FashionMnist;
import picocli.CommandLine.Option;

/** Where Fashion-MNIST is read from (mixed into the commands that train or evaluate). */
public final class DataOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder with the four gzipped Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}, "
                    + "from the Debian package " + FashionMnist.PACKAGE + ").")
    public Path dataDir = FashionMnist.DEFAULT_DIR;

    /** Train (minus validation), validation and test, split the same way in every command. */
    public DataSplit load() {
        return FashionMnist.load(dataDir);
    }
}
