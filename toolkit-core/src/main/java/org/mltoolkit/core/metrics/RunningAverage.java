package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;

/**
 * A training metric computed as an exponential running average of one value per step, like Ignite's
 * {@code RunningAverage}: the first value is taken as is, each later one gives
 * {@code avg = alpha * avg + (1 - alpha) * value}. A subclass says which value ({@link #valueOf}).
 */
public abstract class RunningAverage extends NamedMetric implements TrainingMetric {
    /** The smoothing factor the reference uses. */
    public static final double DEFAULT_ALPHA = 0.98;

    private final double alpha;
    private double average = Double.NaN;
    private boolean empty = true;

    /** Throws IllegalArgumentException unless {@code 0 < alpha < 1}. */
    protected RunningAverage(String name, MetricFormat format, double alpha) {
        super(name, format);
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
        }
        this.alpha = alpha;
    }

    /** The value one step contributes. */
    protected abstract double valueOf(Batch batch, StepResult step);

    @Override
    public final void reset() {
        average = Double.NaN;
        empty = true;
    }

    @Override
    public final void update(Batch batch, StepResult step) {
        double value = valueOf(batch, step);
        if (empty) {
            average = value;
            empty = false;
        } else {
            average = alpha * average + (1 - alpha) * value;
        }
    }

    @Override
    public final double compute() {
        return average;
    }
}
