package org.mltoolkit.core.run;

import java.nio.file.Path;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.LoadRequest;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

/**
 * Makes a dataset available and loads it. The command line fetches missing files first (unless offline);
 * an application may load from a fixed directory with {@link #fromDirectory(Path)}.
 */
@FunctionalInterface
public interface DatasetLoader {

    /**
     * Loads {@code provider}'s data with {@code options}; throws ToolkitException naming the dataset, option or file
     * when it cannot (InvalidConfigurationException for an option the dataset does not take).
     */
    DatasetSplits load(DatasetProvider provider, PluginOptions options);

    /**
     * Loads from {@code dataDir} without fetching. Throws ToolkitException naming the dataset and directory if
     * files are missing.
     */
    static DatasetLoader fromDirectory(Path dataDir) {
        return (provider, options) -> {
            if (!provider.isPresent(dataDir)) {
                throw new ToolkitException(
                        "dataset '" + provider.name() + "' is missing files in " + dataDir + "; fetch it first");
            }
            return provider.load(new LoadRequest(dataDir, options, ProgressListener.NONE));
        };
    }
}
