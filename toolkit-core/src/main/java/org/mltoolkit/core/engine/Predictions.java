package org.mltoolkit.core.engine;

/**
 * A model's answers for every example of a set, in the set's order, with the exact metrics they give.
 *
 * @param predicted   the most probable class of each example
 * @param confidence  the probability the model gives its predicted class
 * @param metrics     mean NLL loss and accuracy over the set
 * @param confusion   true class against predicted class
 */
public record Predictions(int[] predicted, float[] confidence, EvaluationMetrics metrics, ConfusionMatrix confusion) {}
