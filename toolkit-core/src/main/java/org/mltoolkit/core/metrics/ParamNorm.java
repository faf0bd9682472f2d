package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/** The global L2 norm of the parameters, as a running average over the epoch's steps. */
public final class ParamNorm extends RunningAverage {
    public static final String NAME = "param_norm";

    public ParamNorm() {
        super(NAME, MetricFormat.onLine(1, "|param|=%.4e").onBar("|param|=%.3g"), DEFAULT_ALPHA);
    }

    @Override
    protected double valueOf(Batch batch, StepResult step) {
        return step.parameterNorm();
    }
}
