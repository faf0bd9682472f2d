package org.mltoolkit.core.engine;

/**
 * A model's answers for every example of a set, in the set's order, with the exact metrics they give. The arrays
 * are not copied: callers must not mutate them.
 *
 * @param predicted        the most probable class of each example
 * @param confidence       the probability the model gives its predicted class
 * @param logProbabilities every example's log-probabilities over all classes, row-major {@code [examples][classes]}
 * @param metrics          mean NLL loss and accuracy over the set
 * @param confusion        true class against predicted class
 */
public record Predictions(
        int[] predicted,
        float[] confidence,
        float[] logProbabilities,
        EvaluationMetrics metrics,
        ConfusionMatrix confusion) {}
