package org.mltoolkit.plugin.fc;

import java.util.Map;
import org.mltoolkit.api.Tensor;

/**
 * An optimizer over one flat parameter vector and its gradient vector (the layout of
 * {@link DenseNetwork#parameters()}), with PyTorch's update rules.
 */
interface FlatOptimizer extends AutoCloseable {
    /**
     * Applies one update to {@code parameters} (mutated) from {@code gradients} (not mutated), and writes the
     * sum of squares of the parameters before the update to {@code norms[0]} and of the gradients to
     * {@code norms[1]}.
     */
    void step(NativeFloats parameters, NativeFloats gradients, double[] norms);

    void setLearningRate(double learningRate);

    double learningRate();

    /** A copy of the state: moments and step counter. */
    Map<String, Tensor> state();

    /** Replaces the state; throws ToolkitException naming the first missing or mis-shaped entry, changing nothing. */
    void loadState(Map<String, Tensor> state);

    @Override
    void close();
}
