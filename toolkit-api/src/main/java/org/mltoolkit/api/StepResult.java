package org.mltoolkit.api;

/**
 * What one training step measured, before the update was applied.
 *
 * @param loss          mean negative log-likelihood over the batch
 * @param correct       how many examples the model's predictions (argmax of its output) got right
 * @param parameterNorm global L2 norm of the parameters
 * @param gradientNorm  global L2 norm of the gradients of the mean loss
 */
public record StepResult(double loss, int correct, double parameterNorm, double gradientNorm) {}
