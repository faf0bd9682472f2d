package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/** The training loss (mean NLL of a batch), as a running average over the epoch's steps. */
public final class TrainLoss extends RunningAverage {
    public static final String NAME = "train_loss";

    public TrainLoss() {
        super(NAME, MetricFormat.onLine(3, "loss=%.4e").onBar("loss=%.3e"), DEFAULT_ALPHA);
    }

    @Override
    protected double valueOf(Batch batch, StepResult step) {
        return step.loss();
    }
}
