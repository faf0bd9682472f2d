package org.mltoolkit.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.metrics.TrainingMetric;
import org.mltoolkit.core.run.TrainingRunBuilder;

/**
 * A live progress bar per training epoch (the reference's tqdm bar): images done, images per second, the training
 * metrics that have a bar format (in their list's order) and the time left. Closed at the end of each epoch and
 * when the run fails.
 */
final class ProgressBarReporter {
    /** Wide enough for the bar beside the metrics, like the reference's {@code ncols=120} tqdm bar. */
    private static final int WIDTH = 130;

    private final List<TrainingMetric> shown;
    private ProgressBar bar;
    private long epochStart;

    private ProgressBarReporter(MetricSet metrics) {
        shown = metrics.ofKind(TrainingMetric.class).stream()
                .filter(m -> m.format().bar() != null)
                .toList();
    }

    /** Has {@code run}, which records {@code metrics}, draw a progress bar per epoch on {@code out}. */
    static void attach(TrainingRunBuilder run, MetricSet metrics, PrintStream out) {
        ProgressBarReporter reporter = new ProgressBarReporter(metrics);
        run.on(Event.EPOCH_STARTED, e -> reporter.open(e.state(), out));
        run.on(Event.ITERATION_COMPLETED, e -> reporter.advance(e.state()));
        run.on(Event.EPOCH_COMPLETED, e -> reporter.close());
        run.on(Event.EXCEPTION_RAISED, e -> reporter.close());
    }

    private void open(EngineState s, PrintStream out) {
        close();
        bar = new ProgressBarBuilder()
                .setTaskName("Epoch " + s.epoch() + "/" + s.maxEpochs())
                .setInitialMax(s.examplesPerEpoch())
                .setUnit(" img", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out, WIDTH))
                .build();
        epochStart = System.nanoTime();
    }

    private void advance(EngineState s) {
        if (bar == null) {
            return;
        }
        bar.stepBy(s.batch().size());
        // The bar's own speed counts whole seconds only ("?" during the first); this rate is exact.
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        StringBuilder message =
                new StringBuilder(String.format(Locale.ROOT, "%.0f img/s", bar.getCurrent() / Math.max(seconds, 1e-9)));
        for (TrainingMetric m : shown) {
            message.append(' ').append(m.format().formatBar(s.metric(m.name())));
        }
        bar.setExtraMessage(message.toString());
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
