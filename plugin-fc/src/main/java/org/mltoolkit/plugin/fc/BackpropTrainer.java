package org.mltoolkit.plugin.fc;

import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.plugin.support.optim.Optimizer;
import org.mltoolkit.plugin.support.optim.SquaredNorms;

/**
 * Trains a {@link DenseClassifier} with minibatch backpropagation in float32: forward in training mode, mean
 * NLL, backward, one optimizer update. Not thread-safe (one step at a time).
 */
final class BackpropTrainer extends DenseTrainer {
    private final double[] lossAndCorrect = new double[2];

    BackpropTrainer(DenseClassifier model, Optimizer optimizer) {
        super(model, optimizer);
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
        SquaredNorms norms = optimizer().step();
        return new StepResult(lossAndCorrect[0], (int) lossAndCorrect[1], norms.parameterNorm(), norms.gradientNorm());
    }

    @Override
    public String toString() {
        return "BackpropTrainer(" + model.name() + ", " + optimizer() + ")";
    }
}
