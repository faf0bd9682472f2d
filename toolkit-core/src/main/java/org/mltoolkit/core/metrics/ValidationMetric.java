package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;

/** A metric of the validation pass after every epoch: reset when the pass starts, updated with every batch. */
public non-sealed interface ValidationMetric extends Metric {

    /**
     * Takes in one validation batch and the model's log-probabilities for it, in the first
     * {@code batch.size() * numClasses} entries of {@code logProbabilities} (row-major). Both are reused afterwards.
     */
    void update(Batch batch, float[] logProbabilities, int numClasses);
}
