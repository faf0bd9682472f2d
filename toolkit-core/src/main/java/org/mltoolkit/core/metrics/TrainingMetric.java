package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/**
 * A metric of the training steps: reset when an epoch starts, updated after every step, its value live during
 * the epoch (the progress bar shows it) and final when the epoch's training ends.
 */
public non-sealed interface TrainingMetric extends Metric {

    /**
     * Takes in one training step: the batch trained on (its arrays are reused afterwards) and what the step
     * returned.
     */
    void update(Batch batch, StepResult step);
}
