package org.mltoolkit.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.engine.MetricNames;
import org.mltoolkit.core.run.TrainingRunBuilder;

/**
 * A live progress bar per training epoch (the reference's tqdm bar): images done, the running metrics,
 * images per second and the time left. Closed at the end of each epoch and when the run fails.
 */
final class ProgressBarReporter {
    /** Wide enough for the bar beside the metrics, like the reference's {@code ncols=120} tqdm bar. */
    private static final int WIDTH = 130;

    private ProgressBar bar;
    private long epochStart;

    private ProgressBarReporter() {}

    /** Has {@code run} draw a progress bar per epoch on {@code out}. */
    static void attach(TrainingRunBuilder run, PrintStream out) {
        ProgressBarReporter reporter = new ProgressBarReporter();
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
        bar.setExtraMessage(String.format(
                Locale.ROOT,
                "%.0f img/s loss=%.3e acc=%.4f |param|=%.3g |g_param|=%.3g",
                bar.getCurrent() / Math.max(seconds, 1e-9),
                s.metric(MetricNames.LOSS),
                s.metric(MetricNames.ACCURACY),
                s.metric(MetricNames.PARAM_NORM),
                s.metric(MetricNames.GRAD_NORM)));
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
