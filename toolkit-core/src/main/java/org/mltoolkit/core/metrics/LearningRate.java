package org.mltoolkit.core.metrics;

import org.mltoolkit.core.engine.EngineState;

/** The learning rate the epoch trained with, as the schedule set it. */
public final class LearningRate extends EpochValue {
    public static final String NAME = "lr";

    public LearningRate() {
        super(NAME, MetricFormat.recordedOnly());
    }

    @Override
    protected double valueOf(EngineState state) {
        return state.learningRate();
    }
}
