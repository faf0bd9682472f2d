package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/** The fraction of a training batch predicted right, as a running average over the epoch's steps. */
public final class TrainAccuracy extends RunningAverage {
    public static final String NAME = "train_accuracy";

    public TrainAccuracy() {
        super(NAME, MetricFormat.onLine(4, "accuracy=%.4f").onBar("acc=%.4f"), DEFAULT_ALPHA);
    }

    @Override
    protected double valueOf(Batch batch, StepResult step) {
        return (double) step.correct() / batch.size();
    }
}
