package org.mltoolkit.core.metrics;

import org.mltoolkit.api.Batch;

/**
 * A validation metric computed exactly over the whole pass: the sum of a per-example quantity over every example,
 * divided by the number of examples. A subclass says what one batch adds ({@link #sumOf}).
 */
public abstract class ExactMean extends NamedMetric implements ValidationMetric {
    private double sum;
    private long examples;

    protected ExactMean(String name, MetricFormat format) {
        super(name, format);
    }

    /** The sum of the quantity over the examples of {@code batch}. */
    protected abstract double sumOf(Batch batch, float[] logProbabilities, int numClasses);

    @Override
    public final void reset() {
        sum = 0;
        examples = 0;
    }

    @Override
    public final void update(Batch batch, float[] logProbabilities, int numClasses) {
        sum += sumOf(batch, logProbabilities, numClasses);
        examples += batch.size();
    }

    @Override
    public final double compute() {
        return examples == 0 ? Double.NaN : sum / examples;
    }
}
