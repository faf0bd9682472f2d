package org.mltoolkit.api;

/**
 * The toolkit's one unchecked root exception. Its message is written for the user: one line that names
 * the file, value or plugin at fault. The command line prints the message alone unless asked to debug.
 */
public class ToolkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ToolkitException(String message) {
        super(message);
    }

    public ToolkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
