package org.mltoolkit.core.metrics;

/**
 * A number recorded for every epoch of a run, in the spirit of Ignite's {@code Metric}: {@link #reset()} when its
 * pass begins, an {@code update} for each thing it measures, {@link #compute()} for the value. The kind says what
 * it measures: a {@link TrainingMetric} each training step, a {@link ValidationMetric} each validation batch, an
 * {@link EpochMetric} the finished epoch. Its name is the key of its value in {@code metrics.jsonl}, in the
 * checkpoints' histories and in the engine's live metrics; its {@link MetricFormat} says how it is printed.
 *
 * <p>A metric is stateful and belongs to one run at a time. To record a new one, write a class of one of the three
 * kinds (usually extending {@link RunningAverage} or {@link ExactMean}) and add it to {@link MetricSet#standard()},
 * or give a run {@code MetricSet.standard().with(...)}.
 */
public sealed interface Metric permits TrainingMetric, ValidationMetric, EpochMetric {

    /** The value's key: snake_case, unique within a {@link MetricSet}, never {@code epoch}. */
    String name();

    /** How the value is printed on the epoch lines and the progress bar. */
    MetricFormat format();

    /** Forgets everything measured so far. */
    void reset();

    /** The value from what was measured since {@link #reset()}; NaN when nothing was. Does not change the metric. */
    double compute();
}
