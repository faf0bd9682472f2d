package org.mltoolkit.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.engine.MetricNames;
import org.mltoolkit.core.run.TrainingRunBuilder;

/**
 * Prints the reference's two lines per epoch: after training,
 * {@code EPOCH n - |param|=1.2345e+02 |g_param|=1.2345e-01 loss=1.2345e-01 accuracy=0.9876} (running averages),
 * and after validation {@code Validation - loss=1.2345e-01 accuracy=0.9876 best_loss=1.2345e-01}.
 */
final class EpochLineReporter {
    private EpochLineReporter() {}

    /**
     * Has {@code run} print its lines on {@code out}: the training line when an epoch's training ends (before its
     * validation), the validation line once the epoch is recorded (so that {@code best_loss} includes it).
     */
    static void attach(TrainingRunBuilder run, PrintWriter out) {
        run.on(Event.EPOCH_COMPLETED, e -> {
            out.println(epochLine(e.state()));
            out.flush();
        });
        run.on(Event.VALIDATION_COMPLETED, e -> {
            out.println(validationLine(e.state()));
            out.flush();
        });
    }

    /** The training line of the state's current epoch. */
    static String epochLine(EngineState s) {
        return String.format(
                Locale.ROOT,
                "EPOCH %d - |param|=%.4e |g_param|=%.4e loss=%.4e accuracy=%.4f",
                s.epoch(),
                s.metric(MetricNames.PARAM_NORM),
                s.metric(MetricNames.GRAD_NORM),
                s.metric(MetricNames.LOSS),
                s.metric(MetricNames.ACCURACY));
    }

    /** The validation line of the state's last epoch. */
    static String validationLine(EngineState s) {
        return String.format(
                Locale.ROOT,
                "Validation - loss=%.4e accuracy=%.4f best_loss=%.4e",
                s.metric(MetricNames.VALID_LOSS),
                s.metric(MetricNames.VALID_ACCURACY),
                s.bestValidLoss());
    }
}
