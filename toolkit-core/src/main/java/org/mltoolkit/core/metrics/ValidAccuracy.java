package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Metrics;

/** The exact fraction of the validation split whose most probable class is its label. */
public final class ValidAccuracy extends ExactMean {
    public static final String NAME = "valid_accuracy";

    public ValidAccuracy() {
        super(NAME, MetricFormat.onLine(2, "accuracy=%.4f"));
    }

    @Override
    protected double sumOf(Batch batch, float[] logProbabilities, int numClasses) {
        return Metrics.countCorrect(logProbabilities, batch.labels(), batch.size(), numClasses);
    }
}
