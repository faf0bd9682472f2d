package org.mltoolkit.core.metrics;

import org.mltoolkit.core.engine.EngineState;

/** The training speed of the epoch: examples trained on per second of its training loop (see {@link TrainSeconds}). */
public final class TrainImagesPerSecond extends EpochValue {
    public static final String NAME = "train_images_per_second";

    public TrainImagesPerSecond() {
        super(NAME, MetricFormat.recordedOnly());
    }

    @Override
    protected double valueOf(EngineState state) {
        double seconds = state.epochTrainSeconds();
        return seconds > 0 ? state.epochExamples() / seconds : Double.NaN;
    }
}
