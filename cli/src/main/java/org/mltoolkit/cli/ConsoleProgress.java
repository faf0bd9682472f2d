package org.mltoolkit.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mltoolkit.api.ProgressListener;

/**
 * Renders a plugin's progress for a person: on a terminal each task gets a progress bar on stderr (units are
 * bytes, shown in MiB); elsewhere (a pipe, a log file, a test) each task and message is one plain line, so logs
 * stay readable. Not thread-safe: one task at a time, as {@link ProgressListener} promises.
 */
public final class ConsoleProgress implements ProgressListener, AutoCloseable {
    private static final long MIB = 1L << 20;

    private final PrintWriter err;
    private final boolean interactive;
    private ProgressBar bar;
    private TrackedConsumer consumer;

    /**
     * @param err         where plain lines go
     * @param interactive true to draw progress bars on the process's stderr terminal
     */
    public ConsoleProgress(PrintWriter err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public void start(String task, long total) {
        start(task, total, null);
    }

    /** Counts {@code unit}s, or bytes (shown in MiB) when {@code unit} is null. */
    @Override
    public void start(String task, long total, String unit) {
        finish();
        if (interactive) {
            consumer = new TrackedConsumer(System.err);
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total > 0 ? total : -1)
                    .setUnit(unit == null ? " MiB" : " " + unit, unit == null ? MIB : 1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .showSpeed()
                    .setConsumer(consumer)
                    .build();
        } else {
            String amount = unit == null
                    ? String.format(Locale.ROOT, "%.1f MiB", (double) total / MIB)
                    : String.format(Locale.ROOT, "%,d %s", total, unit);
            err.println(total > 0 ? task + " (" + amount + ")" : task);
            err.flush();
        }
    }

    @Override
    public void advance(long amount) {
        if (bar != null) {
            bar.stepBy(amount);
        }
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            // A task that ends before the bar's first scheduled render leaves the bar's line open (the library
            // draws it once on close but only ends the line on a later render): end it here.
            if (!consumer.closed) {
                consumer.close();
            }
            bar = null;
            consumer = null;
        }
    }

    @Override
    public void message(String line) {
        if (bar != null) {
            // Keep the bar on its own line: the message goes below it and the bar redraws on the next step.
            System.err.println();
        }
        err.println(line);
        err.flush();
    }

    /** The console consumer, remembering whether the bar ended its line. */
    private static final class TrackedConsumer extends ConsoleProgressBarConsumer {
        private volatile boolean closed;

        TrackedConsumer(PrintStream out) {
            super(out);
        }

        @Override
        public void close() {
            closed = true;
            super.close();
        }
    }

    /** Ends a bar left open by a task that failed half-way. */
    @Override
    public void close() {
        finish();
    }
}
