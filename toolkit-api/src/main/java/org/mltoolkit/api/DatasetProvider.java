package org.mltoolkit.api;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A named dataset of labelled examples with a training and a test split.
 *
 * <p>Files live under {@code dataDir/<name>/}; the host chooses {@code dataDir}. A provider never
 * leaves a half-written or unverified file where a good one is expected.
 *
 * <p>Options: a dataset may take {@code key=value} options ({@code --dataset-option path=DIR} on the command line)
 * by overriding {@link #load(LoadRequest)}. A dataset that does not override it takes no options and refuses any
 * it is given. The options a load used, as {@link DatasetSplits#options()} reports them, are recorded with every
 * training run and checkpoint, so that a resumed run or an evaluation loads the same data again.
 */
public interface DatasetProvider extends ExtensionPoint {

    /** The name users type, for example {@code mnist}. */
    String name();

    /** One line for listings. */
    String description();

    /**
     * The shape of one example, as far as it is known before loading. A dataset whose shape depends on its files or
     * options (a folder of the user's images) returns null; the loaded {@link DatasetSplits} is what counts.
     */
    ExampleShape exampleShape();

    /**
     * One name per class, in label order, as far as they are known before loading; null when they depend on the
     * files or options, as for {@link #exampleShape()}.
     */
    List<String> classNames();

    /** The files this dataset reads, whether or not they exist yet. */
    List<Path> files(Path dataDir);

    /** True when every file is present (it does not verify content). */
    boolean isPresent(Path dataDir);

    /**
     * Makes every file present and verified, trying the provider's sources in order. Files already present
     * are verified, not fetched again. Throws ToolkitException naming the sources tried and why each failed.
     */
    List<FetchedFile> fetch(FetchRequest request);

    /**
     * Reads and validates the files. Throws DataFormatException naming the file and the problem for any
     * malformed, truncated or inconsistent file.
     */
    DatasetSplits load(Path dataDir);

    /**
     * Loads with options. The default takes no options: it throws InvalidConfigurationException naming the first
     * option and this dataset when any is given, and otherwise calls {@link #load(Path)}. A dataset with options
     * overrides this method, refuses keys it does not know (see {@link PluginOptions#requireOnly}), and returns
     * splits whose {@link DatasetSplits#options()} load the same data again. Throws what {@link #load(Path)} throws.
     */
    default DatasetSplits load(LoadRequest request) {
        request.options().requireOnly("dataset " + name(), java.util.Set.of());
        return load(request.dataDir());
    }
}
