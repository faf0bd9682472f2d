package org.mltoolkit.core.metrics;

import org.mltoolkit.core.engine.EngineState;

/** An epoch metric read off the engine's state once the epoch's training ends. A subclass says which value. */
public abstract class EpochValue extends NamedMetric implements EpochMetric {
    private double value = Double.NaN;

    protected EpochValue(String name, MetricFormat format) {
        super(name, format);
    }

    /** The value of the epoch whose training {@code state} has just finished. */
    protected abstract double valueOf(EngineState state);

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
