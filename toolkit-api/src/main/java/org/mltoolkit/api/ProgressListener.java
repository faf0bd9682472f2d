package org.mltoolkit.api;

/**
 * Receives progress from long plugin operations such as downloads. The host renders it (a progress bar,
 * a log line, nothing). Implementations must tolerate any call order a well-behaved plugin makes:
 * {@code start}, any number of {@code advance}, {@code finish}; {@code message} at any time.
 */
public interface ProgressListener {
    /** Ignores everything. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long amount) {}

        @Override
        public void finish() {}

        @Override
        public void message(String line) {}
    };

    /** A task counted in bytes (a download) begins; {@code total} is its size, or -1 when unknown. */
    void start(String task, long total);

    /**
     * A task counted in {@code unit}s (a plural noun such as {@code "images"}) begins; {@code total} is how many, or
     * -1 when unknown. The default forgets the unit, which suits listeners that show no figures.
     */
    default void start(String task, long total, String unit) {
        start(task, total);
    }

    /** {@code amount} more units are done. */
    void advance(long amount);

    /** The current task is over, successfully or not. */
    void finish();

    /** A one-line status message for the user, such as which source is being tried. */
    void message(String line);
}
