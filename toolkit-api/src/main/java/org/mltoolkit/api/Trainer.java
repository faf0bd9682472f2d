package org.mltoolkit.api;

import java.util.Map;

/**
 * Trains one model in place, one minibatch at a time. The core owns the loop (epochs, shuffling,
 * validation, checkpoints); a trainer owns the arithmetic of a step and the optimizer state.
 */
public interface Trainer extends AutoCloseable {

    /**
     * Runs forward in training mode (batch statistics, running statistics updated), computes the mean NLL
     * loss and its gradients, and applies one optimizer update to the model.
     */
    StepResult step(Batch batch);

    /** Sets the learning rate used by the following steps (the core's schedule calls this). */
    void setLearningRate(double learningRate);

    /** A copy of the optimizer state (moments, step counter) as named tensors. */
    Map<String, Tensor> optimizerState();

    /** Restores optimizer state saved by {@link #optimizerState()}; throws ToolkitException if it does not fit. */
    void loadOptimizerState(Map<String, Tensor> state);

    @Override
    void close();
}
