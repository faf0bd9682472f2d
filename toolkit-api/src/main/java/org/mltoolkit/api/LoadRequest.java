package org.mltoolkit.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Asks a dataset to load its examples.
 *
 * @param dataDir  the toolkit's data directory; a dataset that fetches its files keeps them in a subdirectory named
 *                 after itself
 * @param options  the dataset options the user gave ({@code --dataset-option KEY=VALUE}), or those a checkpoint
 *                 recorded
 * @param progress where to report long work (decoding, for example) and status lines such as warnings
 */
public record LoadRequest(Path dataDir, PluginOptions options, ProgressListener progress) {
    public LoadRequest {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
    }
}
