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
 * metrics that have a bar format (in their list's order) and the time left; then one for the epoch's validation
 * pass (images done and per second). Each bar is closed when its pass ends and when the run fails. For a terminal
 * only: the bars redraw their line with carriage returns.
 */
final class ProgressBarReporter {
    /** Wide enough for the bar beside the metrics, like the reference's {@code ncols=120} tqdm bar. */
    private static final int WIDTH = 130;

    private final List<TrainingMetric> shown;
    private ProgressBar bar;
    private long passStart;

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
        run.on(Event.VALIDATION_STARTED, e -> reporter.openValidation(e.state(), out));
        run.on(Event.VALIDATION_ITERATION_COMPLETED, e -> reporter.advanceValidation(e.state()));
        run.on(Event.VALIDATION_COMPLETED, e -> reporter.close());
        run.on(Event.EXCEPTION_RAISED, e -> reporter.close());
    }

    private void open(EngineState s, PrintStream out) {
        openBar("Epoch " + s.epoch() + "/" + s.maxEpochs(), s.examplesPerEpoch(), out);
    }

    private void openValidation(EngineState s, PrintStream out) {
        openBar("Validation " + s.epoch() + "/" + s.maxEpochs(), s.validationExamples(), out);
    }

    private void openBar(String task, int images, PrintStream out) {
        close();
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(images)
                .setUnit(" img", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out, WIDTH))
                .build();
        passStart = System.nanoTime();
    }

    /** The validation bar shows images done and their rate; its metrics appear on the validation line after. */
    private void advanceValidation(EngineState s) {
        if (bar == null) {
            return;
        }
        bar.stepTo(s.validatedExamples());
        bar.setExtraMessage(String.format(Locale.ROOT, "%.0f img/s", rate()));
    }

    private double rate() {
        double seconds = (System.nanoTime() - passStart) / 1e9;
        return bar.getCurrent() / Math.max(seconds, 1e-9);
    }

    private void advance(EngineState s) {
        if (bar == null) {
            return;
        }
        bar.stepBy(s.batch().size());
        // The bar's own speed counts whole seconds only ("?" during the first); this rate is exact.
        StringBuilder message = new StringBuilder(String.format(Locale.ROOT, "%.0f img/s", rate()));
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
