package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;

/** The wall-clock seconds of the validation pass, from its start to its last batch. */
public final class ValidSeconds implements ValidationMetric {
    public static final String NAME = "valid_seconds";

    private long start;
    private long end = -1;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public MetricFormat format() {
        return MetricFormat.recordedOnly();
    }

    @Override
    public void reset() {
        start = System.nanoTime();
        end = -1;
    }

    @Override
    public void update(Batch batch, float[] logProbabilities, int numClasses) {
        end = System.nanoTime();
    }

    @Override
    public double compute() {
        return end < 0 ? Double.NaN : (end - start) / 1e9;
    }
}
