package org.mltoolkit.core.metrics;

import org.mltoolkit.core.engine.EngineState;

/** The wall-clock seconds of the epoch's training loop: batches and steps, without validation or console output. */
public final class TrainSeconds extends EpochValue {
    public static final String NAME = "seconds";

    public TrainSeconds() {
        super(NAME, MetricFormat.recordedOnly());
    }

    @Override
    protected double valueOf(EngineState state) {
        return state.epochTrainSeconds();
    }
}
