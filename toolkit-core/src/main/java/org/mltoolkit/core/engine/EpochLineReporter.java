package org.mltoolkit.core.engine;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints the reference's two lines per epoch: after training,
 * {@code EPOCH n - |param|=1.2345e+02 |g_param|=1.2345e-01 loss=1.2345e-01 accuracy=0.9876} (running averages),
 * and after validation {@code Validation - loss=1.2345e-01 accuracy=0.9876 best_loss=1.2345e-01}.
 */
public final class EpochLineReporter {
    private EpochLineReporter() {}

    /**
     * Prints the training line at {@link Event#EPOCH_COMPLETED}. Attach it before the handler that runs the
     * validation, so that the lines come in the reference's order.
     */
    public static void attachEpochLine(Engine engine, PrintStream out) {
        engine.on(Event.EPOCH_COMPLETED, e -> out.println(epochLine(e.state())));
    }

    /**
     * Prints the validation line at {@link Event#VALIDATION_COMPLETED}. Attach it after the handler that updates
     * the best loss, so that {@code best_loss} includes this epoch.
     */
    public static void attachValidationLine(Engine engine, PrintStream out) {
        engine.on(Event.VALIDATION_COMPLETED, e -> out.println(validationLine(e.state())));
    }

    /** The training line of the state's current epoch. */
    public static String epochLine(EngineState s) {
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
    public static String validationLine(EngineState s) {
        return String.format(
                Locale.ROOT,
                "Validation - loss=%.4e accuracy=%.4f best_loss=%.4e",
                s.metric(MetricNames.VALID_LOSS),
                s.metric(MetricNames.VALID_ACCURACY),
                s.bestValidLoss());
    }
}
