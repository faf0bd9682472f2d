/**
 * Metrics as objects, in the spirit of Ignite's {@code ignite.metrics}: a {@link org.mltoolkit.core.metrics.Metric}
 * declares its name, what it measures (training steps, validation batches, or the epoch), how it is computed
 * ({@link org.mltoolkit.core.metrics.RunningAverage running average}, {@link org.mltoolkit.core.metrics.ExactMean
 * exact over the pass}) and how it is printed ({@link org.mltoolkit.core.metrics.MetricFormat}).
 * {@link org.mltoolkit.core.metrics.MetricSet} is the one list the engine, {@code metrics.jsonl}, the checkpoints and
 * a console take them from, so that recording a new metric is one class.
 */
package org.mltoolkit.core.metrics;
