package org.mltoolkit.core.run;

import java.nio.file.Path;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ToolkitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on a model's compute threads: at least 1 and at most {@value #PER_CORE} per core of this machine. More
 * threads than that only compete for the same cores, and an unbounded number can exhaust the machine's processes. A
 * number given is refused outside the bound; a number read from a checkpoint (written on a larger machine, or
 * crafted) is lowered to the bound, since the checkpoint's model computes the same with fewer threads.
 */
public final class ComputeThreads {
    /** Threads per core at most. */
    public static final int PER_CORE = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ComputeThreads.class);

    private ComputeThreads() {}

    /** The most threads a model may use on this machine. */
    public static int max() {
        return PER_CORE * Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** One thread per core: the default. */
    static int byDefault() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Throws InvalidConfigurationException naming the setting {@code threads} when {@code given} is out of bounds. */
    static void checkGiven(Integer given) {
        if (given != null && (given < 1 || given > max())) {
            throw new InvalidConfigurationException(
                    "threads", given, "must be between 1 and " + max() + " (" + PER_CORE + " per core)");
        }
    }

    /**
     * {@code saved}, the threads recorded in {@code file}, lowered to {@link #max()}. Throws ToolkitException naming
     * the file when the recorded number is below 1.
     */
    static int fromCheckpoint(int saved, Path file) {
        if (saved < 1) {
            throw new ToolkitException(file + ": the recorded threads, " + saved + ", must be at least 1");
        }
        if (saved > max()) {
            LOG.debug("{} records {} threads; using {}, the most this machine allows", file, saved, max());
            return max();
        }
        return saved;
    }
}
