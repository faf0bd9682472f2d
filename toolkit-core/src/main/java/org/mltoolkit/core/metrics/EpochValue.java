package org.mltoolkit.core.metrics;

import org.mltoolkit.core.engine.EngineState;

/** An epoch metric read off the engine's state once the epoch's training ends. A subclass says which value. */
public abstract class EpochValue implements EpochMetric {
    private final String name;
    private final MetricFormat format;
    private double value = Double.NaN;

    protected EpochValue(String name, MetricFormat format) {
        this.name = name;
        this.format = format;
    }

    /** The value of the epoch whose training {@code state} has just finished. */
    protected abstract double valueOf(EngineState state);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final MetricFormat format() {
        return format;
    }

    @Override
    public final void reset() {
        value = Double.NaN;
    }

    @Override
    public final void update(EngineState state) {
        value = valueOf(state);
    }

    @Override
    public final double compute() {
        return value;
    }
}
