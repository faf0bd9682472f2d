package org.mltoolkit.core.engine;

import org.mltoolkit.api.ToolkitException;

/** Training stopped because a loss became NaN or infinite; the message says where. */
public class NonFiniteLossException extends ToolkitException {
    private static final long serialVersionUID = 1L;
    private final int epoch;

    public NonFiniteLossException(String message, int epoch) {
        super(message);
        this.epoch = epoch;
    }

    public NonFiniteLossException(String message, int epoch, Throwable cause) {
        super(message, cause);
        this.epoch = epoch;
    }

    /** The epoch in which the loss went bad. */
    public int getEpoch() {
        return epoch;
    }
}
