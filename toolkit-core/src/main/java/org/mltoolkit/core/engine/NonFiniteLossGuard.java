package org.mltoolkit.core.engine;

import java.util.Locale;

/** Stops a run with {@link NonFiniteLossException} as soon as a training or validation loss is NaN or infinite. */
public final class NonFiniteLossGuard {
    private NonFiniteLossGuard() {}

    /**
     * Attaches the checks to {@code engine}: of the step's loss after every step, and of the published metric
     * {@code validLoss} after every validation.
     */
    public static void attach(Engine engine, String validLoss) {
        engine.on(Event.ITERATION_COMPLETED, e -> {
            EngineState s = e.state();
            double loss = s.output().loss();
            if (!Double.isFinite(loss)) {
                throw new NonFiniteLossException(
                        String.format(
                                Locale.ROOT,
                                "training stopped: the training loss became %s in epoch %d (step %d of %d)",
                                loss,
                                s.epoch(),
                                s.epochIteration(),
                                s.batchesPerEpoch()),
                        s.epoch());
            }
        });
        engine.on(Event.VALIDATION_COMPLETED, e -> {
            EngineState s = e.state();
            double loss = s.metric(validLoss);
            if (!Double.isFinite(loss)) {
                throw new NonFiniteLossException(
                        String.format(
                                Locale.ROOT,
                                "training stopped: the validation loss became %s after epoch %d",
                                loss,
                                s.epoch()),
                        s.epoch());
            }
        });
    }
}
