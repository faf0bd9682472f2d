package org.mltoolkit.core.engine;

import java.util.List;
import java.util.Locale;

/**
 * Stops training when a recorded loss (the validation loss, in a run) has not improved by more than
 * {@code minDelta} for {@code patience} epochs in a row (Ignite's {@code EarlyStopping} on the negated loss). The
 * count is recomputed from the whole history after every validation, so it survives a resume.
 */
public final class EarlyStopping {
    private EarlyStopping() {}

    /**
     * Attaches early stopping on the metric {@code loss} of the history to {@code engine}'s
     * {@link Event#VALIDATION_COMPLETED}. Throws IllegalArgumentException if {@code patience < 1} or
     * {@code minDelta < 0}.
     */
    public static void attach(Engine engine, String loss, int patience, double minDelta) {
        if (patience < 1 || !(minDelta >= 0)) {
            throw new IllegalArgumentException("patience " + patience + " and minDelta " + minDelta);
        }
        engine.on(Event.VALIDATION_COMPLETED, e -> {
            int stale = epochsWithoutImprovement(e.state().history(), loss, minDelta);
            if (stale >= patience) {
                e.terminate(String.format(
                        Locale.ROOT,
                        "early stopping: the validation loss has not improved by more than %s for %d epochs",
                        minDelta,
                        stale));
            }
        });
    }

    /**
     * How many epochs at the end of {@code history} did not improve the best value of {@code loss} by more than
     * {@code minDelta}.
     */
    public static int epochsWithoutImprovement(List<EpochMetrics> history, String loss, double minDelta) {
        double best = Double.POSITIVE_INFINITY;
        int stale = 0;
        for (EpochMetrics m : history) {
            if (m.value(loss) < best - minDelta) {
                best = m.value(loss);
                stale = 0;
            } else {
                stale++;
            }
        }
        return stale;
    }
}
