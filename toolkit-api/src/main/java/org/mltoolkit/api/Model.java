package org.mltoolkit.api;

import java.util.Map;

/**
 * A classifier built by a {@link ModelProvider}: it maps a batch to log-probabilities, and its whole state
 * (weights and buffers such as BatchNorm running statistics) can be read and replaced as named tensors.
 *
 * <p>Models may hold native resources: close them.
 */
public interface Model extends AutoCloseable {

    /** The provider's name, for example {@code fc}. */
    String name();

    /** The device the model actually runs on, for example {@code cpu} or {@code cuda:0}. */
    String device();

    /** Number of trainable parameters. */
    long parameterCount();

    /**
     * Writes log-probabilities {@code out[i*numClasses + k]} for every example of the batch, in evaluation mode
     * (running statistics, no dropout). Does not mutate the model or the batch.
     */
    void predictLogProbabilities(Batch batch, float[] out);

    /** Global L2 norm of all trainable parameters. */
    double parameterNorm();

    /** A copy of the whole state, in a stable order, keyed by parameter or buffer name. */
    Map<String, Tensor> stateDict();

    /**
     * Replaces the whole state. Throws ToolkitException naming the first missing, unexpected or mis-shaped
     * entry; the model is unchanged when it throws.
     */
    void loadStateDict(Map<String, Tensor> state);

    /**
     * The fewest examples a training batch may hold, for example 2 for a network with BatchNorm, whose batch variance
     * needs two examples. A run refuses a smaller batch size before training, and leaves out a last batch of an epoch
     * that would be smaller. 1 by default. Does not mutate the model.
     */
    default int minTrainingBatch() {
        return 1;
    }

    /**
     * Options that checkpoints record over the ones the model was built with, so that its provider builds this same
     * model again without what the given options point to (for example the structure of a network file, which may
     * move or change after training). Empty by default. Does not mutate the model.
     */
    default Map<String, String> rebuildOptions() {
        return Map.of();
    }

    /**
     * Facts about the built model worth showing to a user, in display order (for example what its output holds).
     * Empty by default. Does not mutate the model.
     */
    default Map<String, String> description() {
        return Map.of();
    }

    @Override
    void close();
}
