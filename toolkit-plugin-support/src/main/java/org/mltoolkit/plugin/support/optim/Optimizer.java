package org.mltoolkit.plugin.support.optim;

import java.util.Map;
import org.mltoolkit.api.Tensor;

/**
 * Updates a fixed list of {@link Parameter}s in place from their gradients. Not thread-safe: one step at a time,
 * from one thread (the step itself may use several). Closing it stops its helper threads.
 */
public interface Optimizer extends AutoCloseable {
    /**
     * Applies one update: mutates every parameter's values from its gradients (read only) and the optimizer's
     * moments and step count. Returns the sums of squares of the parameters before the update and of the gradients.
     * Throws IllegalStateException when a helper thread fails or the calling thread is interrupted; the parameters
     * may then be partly updated.
     */
    SquaredNorms step();

    /**
     * Sets the learning rate of the following steps. Throws InvalidConfigurationException (naming the setting
     * {@code learningRate}) when the rate is not a positive, finite number, and changes nothing.
     */
    void setLearningRate(double learningRate);

    /** The learning rate of the next step. */
    double learningRate();

    /**
     * A copy of the state as named tensors: {@code step} (a scalar) and one tensor per moment slot and parameter,
     * named {@code <slot>.<parameter name>} with the parameter's shape.
     */
    Map<String, Tensor> state();

    /**
     * Replaces the state with one saved by {@link #state()} of an optimizer of the same kind over parameters of the
     * same names and shapes. Throws ToolkitException naming the first entry that is missing, unexpected or of the
     * wrong shape, or a step count that is not a whole number; the state is then unchanged.
     */
    void loadState(Map<String, Tensor> state);

    /** Stops the helper threads; the optimizer must not be used afterwards. */
    @Override
    void close();
}
