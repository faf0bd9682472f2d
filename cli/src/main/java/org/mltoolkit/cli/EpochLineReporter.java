package org.mltoolkit.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.metrics.Metric;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.metrics.ValidationMetric;
import org.mltoolkit.core.run.TrainingRunBuilder;

/**
 * Prints the reference's two lines per epoch, each metric as its {@link org.mltoolkit.core.metrics.MetricFormat}
 * says: after training, {@code EPOCH n - |param|=1.2345e+02 |g_param|=1.2345e-01 loss=1.2345e-01 accuracy=0.9876}
 * (the training and epoch metrics), and after validation
 * {@code Validation - loss=1.2345e-01 accuracy=0.9876 best_loss=1.2345e-01} (the validation metrics and the best
 * validation loss so far).
 */
final class EpochLineReporter {
    private final List<Metric> trainingLine;
    private final List<Metric> validationLine;

    private EpochLineReporter(MetricSet metrics) {
        List<Metric> shown = metrics.all().stream()
                .filter(m -> m.format().line() != null)
                .sorted(Comparator.comparingInt(m -> m.format().linePosition()))
                .toList();
        trainingLine =
                shown.stream().filter(m -> !(m instanceof ValidationMetric)).toList();
        validationLine =
                shown.stream().filter(m -> m instanceof ValidationMetric).toList();
    }

    /**
     * Has {@code run}, which records {@code metrics}, print its lines on {@code out}: the training line when an
     * epoch's training ends (before its validation), the validation line once the epoch is recorded (so that
     * {@code best_loss} includes it).
     */
    static void attach(TrainingRunBuilder run, MetricSet metrics, PrintWriter out) {
        EpochLineReporter reporter = new EpochLineReporter(metrics);
        run.on(Event.EPOCH_COMPLETED, e -> {
            out.println(reporter.epochLine(e.state()));
            out.flush();
        });
        run.on(Event.VALIDATION_COMPLETED, e -> {
            out.println(reporter.validationLine(e.state()));
            out.flush();
        });
    }

    /** The training line of the state's current epoch. */
    String epochLine(EngineState s) {
        return "EPOCH " + s.epoch() + " - " + values(trainingLine, s);
    }

    /** The validation line of the state's last epoch. */
    String validationLine(EngineState s) {
        return "Validation - " + values(validationLine, s)
                + String.format(Locale.ROOT, " best_loss=%.4e", s.bestValidLoss());
    }

    private static String values(List<Metric> metrics, EngineState s) {
        return metrics.stream()
                .map(m -> m.format().formatLine(s.metric(m.name())))
                .collect(Collectors.joining(" "));
    }
}
