package org.mltoolkit.plugin.cnn.optim;

import java.nio.FloatBuffer;
import java.util.Map;
import org.mltoolkit.api.Tensor;

/** Updates parameters in place from their gradients. Not thread-safe. */
public interface Optimizer {
    /**
     * Applies one update: {@code parameters[i]} is mutated from {@code gradients[i]} (read only); both lists are in
     * the order of the names the optimizer was built with.
     */
    void step(FloatBuffer[] parameters, FloatBuffer[] gradients);

    void setLearningRate(double learningRate);

    /** A copy of the state (moments and step count) as named tensors. */
    Map<String, Tensor> state();

    /** Replaces the state; throws ToolkitException naming the first missing, unexpected or mis-shaped entry. */
    void loadState(Map<String, Tensor> state);
}
