package org.mltoolkit.plugin.fc;

import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.Trainer;

/**
 * Trains a {@link DenseClassifier} with minibatch backpropagation in float32: forward in training mode, mean
 * NLL, backward, one optimizer update. Not thread-safe (one step at a time).
 */
final class BackpropTrainer implements Trainer {
    private final DenseClassifier model;
    private final FlatOptimizer optimizer;
    private final double[] lossAndCorrect = new double[2];
    private final double[] norms = new double[2];

    BackpropTrainer(DenseClassifier model, FlatOptimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
    }

    /**
     * Mutates the model's parameters, BatchNorm running statistics and the optimizer state. Throws
     * ToolkitException when the batch's shape does not fit the model and IllegalArgumentException for a label
     * out of range or a one-example batch on a model with BatchNorm.
     */
    @Override
    public StepResult step(Batch batch) {
        model.checkBatch(batch);
        DenseNetwork network = model.network();
        network.trainStep(batch.features(), batch.labels(), batch.size(), lossAndCorrect);
        optimizer.step(network.parameters(), network.gradients(), norms);
        return new StepResult(lossAndCorrect[0], (int) lossAndCorrect[1], Math.sqrt(norms[0]), Math.sqrt(norms[1]));
    }

    @Override
    public void setLearningRate(double learningRate) {
        optimizer.setLearningRate(learningRate);
    }

    @Override
    public Map<String, Tensor> optimizerState() {
        return optimizer.state();
    }

    @Override
    public void loadOptimizerState(Map<String, Tensor> state) {
        optimizer.loadState(state);
    }

    @Override
    public void close() {
        optimizer.close();
    }

    @Override
    public String toString() {
        return "BackpropTrainer(" + model.name() + ", " + optimizer + ")";
    }
}
