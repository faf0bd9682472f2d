package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Metrics;

/** The exact mean NLL over the validation split: the loss that picks the best checkpoint. */
public final class ValidLoss extends ExactMean {
    public static final String NAME = "valid_loss";

    public ValidLoss() {
        super(NAME, MetricFormat.onLine(1, "loss=%.4e"));
    }

    @Override
    protected double sumOf(Batch batch, float[] logProbabilities, int numClasses) {
        return Metrics.sumNll(logProbabilities, batch.labels(), batch.size(), numClasses);
    }
}
