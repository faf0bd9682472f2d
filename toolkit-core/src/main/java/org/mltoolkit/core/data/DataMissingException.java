package org.mltoolkit.core.data;

import java.nio.file.Path;
import java.util.List;
import org.mltoolkit.api.ToolkitException;

/**
 * A dataset whose files are not all present while fetching is not allowed (offline, or a command that only
 * reads); the message names the missing files.
 */
public class DataMissingException extends ToolkitException {
    private static final long serialVersionUID = 1L;
    private final String dataset;
    private final transient List<Path> missing;

    public DataMissingException(String dataset, Path dataDir, List<Path> missing) {
        super("dataset '" + dataset + "' is not in " + dataDir + " (missing "
                + String.join(
                        ", ",
                        missing.stream()
                                .map(p -> String.valueOf(p.getFileName()))
                                .toList())
                + "); fetch it first");
        this.dataset = dataset;
        this.missing = List.copyOf(missing);
    }

    /** The dataset's name. */
    public String getDataset() {
        return dataset;
    }

    /** The files that are not there. */
    public List<Path> getMissing() {
        return missing;
    }
}
