package org.mltoolkit.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks a dataset to fetch its files into {@code dataDir}.
 *
 * @param dataDir  the toolkit's data directory; the dataset keeps its files in a subdirectory named after itself
 * @param fromDir  a directory the user named to take the files from first, if any
 * @param progress where to report progress and status lines
 */
public record FetchRequest(Path dataDir, Optional<Path> fromDir, ProgressListener progress) {
    public FetchRequest {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(fromDir, "fromDir");
        Objects.requireNonNull(progress, "progress");
    }
}
