package org.mltoolkit.core.checkpoint;

import java.nio.file.Path;
import org.mltoolkit.api.DataFormatException;

/** A file that is not a readable checkpoint: wrong magic number, unknown version, truncated, or corrupt. */
public class CheckpointFormatException extends DataFormatException {
    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(Path file, String problem) {
        super(file, problem);
    }

    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
