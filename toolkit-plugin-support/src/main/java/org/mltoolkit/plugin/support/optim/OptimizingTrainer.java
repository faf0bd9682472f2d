package org.mltoolkit.plugin.support.optim;

import java.util.Map;
import java.util.Objects;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.Trainer;

/**
 * The part of a {@link Trainer} that belongs to its {@link Optimizer}: the learning rate the core's schedule sets,
 * the optimizer state a checkpoint saves and a resume restores, and the helper threads closing stops. A trainer
 * extends this class, computes the gradients into its parameters' gradient buffers in {@link #step}, and then calls
 * {@code optimizer().step()}. Not thread-safe, like every trainer.
 */
public abstract class OptimizingTrainer implements Trainer {
    private final Optimizer optimizer;

    protected OptimizingTrainer(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /** The optimizer over the model's parameters. */
    protected final Optimizer optimizer() {
        return optimizer;
    }

    /** Throws InvalidConfigurationException for a rate that is not positive and finite, changing nothing. */
    @Override
    public void setLearningRate(double learningRate) {
        optimizer.setLearningRate(learningRate);
    }

    @Override
    public Map<String, Tensor> optimizerState() {
        return optimizer.state();
    }

    /** Throws ToolkitException naming the first entry that does not fit, changing nothing ({@link Optimizer}). */
    @Override
    public void loadOptimizerState(Map<String, Tensor> state) {
        optimizer.loadState(state);
    }

    /** Stops the optimizer's helper threads. A subclass that holds more releases that and then calls this. */
    @Override
    public void close() {
        optimizer.close();
    }
}
