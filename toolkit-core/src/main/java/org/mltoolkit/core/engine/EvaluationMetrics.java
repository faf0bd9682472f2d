package org.mltoolkit.core.engine;

/**
 * Exact metrics over a whole set of examples.
 *
 * @param loss     mean negative log-likelihood
 * @param accuracy fraction of examples whose most probable class is their label
 * @param examples number of examples evaluated
 * @param seconds  wall-clock time of the pass
 */
public record EvaluationMetrics(double loss, double accuracy, int examples, double seconds) {}
