package org.mltoolkit.api;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A named dataset of labelled examples with a training and a test split.
 *
 * <p>Files live under {@code dataDir/<name>/}; the host chooses {@code dataDir}. A provider never
 * leaves a half-written or unverified file where a good one is expected.
 */
public interface DatasetProvider extends ExtensionPoint {

    /** The name users type, for example {@code mnist}. */
    String name();

    /** One line for listings. */
    String description();

    /** The shape of one example. */
    ExampleShape exampleShape();

    /** One name per class, in label order. */
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
}
