package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/** The global L2 norm of the gradients, as a running average over the epoch's steps. */
public final class GradNorm extends RunningAverage {
    public static final String NAME = "grad_norm";

    public GradNorm() {
        super(NAME, MetricFormat.onLine(2, "|g_param|=%.4e").onBar("|g_param|=%.3g"), DEFAULT_ALPHA);
    }

    @Override
    protected double valueOf(Batch batch, StepResult step) {
        return step.gradientNorm();
    }
}
