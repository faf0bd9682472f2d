package org.mltoolkit.api;

import java.nio.file.Path;

/** A data file that cannot be used: unreadable, truncated, wrong magic number, wrong dimensions, and so on. */
public class DataFormatException extends ToolkitException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path getFile() {
        return file;
    }
}
