package org.mltoolkit.plugin.fc;

import com.oracle.labs.mlrg.olcut.util.Pair;
import java.nio.FloatBuffer;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.plugin.support.optim.Optimizer;
import org.mltoolkit.plugin.support.optim.SquaredNorms;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.SGDVector;

/**
 * Trains the {@code linear} model the way Tribuo's {@code LinearSGDTrainer} computes a minibatch: Tribuo's
 * {@link LinearParameters} (weights with the bias as the last feature column) score each example, Tribuo's
 * {@link LogMulticlass} objective gives its loss and gradient, {@link LinearParameters#gradients} and
 * {@link LinearParameters#merge} build and sum the per-example gradients, in double precision on one thread.
 * The summed gradient, divided by the batch size, goes to the same {@link Optimizer} as the
 * {@code backprop} trainer, because Tribuo's optimisers can neither change their learning rate nor expose
 * their moments for an exact resume.
 */
final class TribuoLinearTrainer extends DenseTrainer {
    private final LogMulticlass objective = new LogMulticlass();
    private final LinearParameters parameters;
    private final DenseMatrix weights;
    private final int features;
    private final int classes;

    TribuoLinearTrainer(DenseClassifier model, Optimizer optimizer) {
        super(model, optimizer);
        if (model.network().layerCount() != 1) {
            close();
            throw new IllegalArgumentException("the Tribuo linear trainer trains single-layer models only");
        }
        this.features = model.network().inputWidth();
        this.classes = model.network().classCount();
        this.parameters = new LinearParameters(features + 1, classes);
        this.weights = parameters.getWeightMatrix();
    }

    /** Mutates the model's weights and the optimizer state. Throws ToolkitException for a batch of the wrong shape. */
    @Override
    public StepResult step(Batch batch) {
        model.checkBatch(batch);
        DenseNetwork network = model.network();
        FloatBuffer w = network.weight(0).buffer();
        FloatBuffer b = network.bias(0).buffer();
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < features; j++) {
                weights.set(c, j, w.get(c * features + j));
            }
            weights.set(c, features, b.get(c));
        }
        int n = batch.size();
        float[] x = batch.features();
        org.tribuo.math.la.Tensor[][] perExample = new org.tribuo.math.la.Tensor[n][];
        double loss = 0;
        int correct = 0;
        double[] row = new double[features + 1];
        row[features] = 1.0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < features; j++) {
                row[j] = x[i * features + j];
            }
            DenseVector example = DenseVector.createDenseVector(row);
            DenseVector scores = parameters.predict(example);
            // Read the prediction first: the objective turns the score vector into the gradient in place.
            if (scores.indexOfMax() == batch.labels()[i]) {
                correct++;
            }
            Pair<Double, SGDVector> lossAndGradient = objective.lossAndGradient(batch.labels()[i], scores);
            // Tribuo's objectives report the log-likelihood (the negated loss).
            loss -= lossAndGradient.getA();
            perExample[i] = parameters.gradients(lossAndGradient, example);
        }
        DenseMatrix sum = (DenseMatrix) parameters.merge(perExample, n)[0];
        // Tribuo's objectives return the direction of steepest descent; the optimizers take the gradient.
        FloatBuffer gw = network.gradients().buffer();
        float scale = -1f / n;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < features; j++) {
                gw.put(c * features + j, (float) (sum.get(c, j) * scale));
            }
        }
        FloatBuffer gb = network.gradients().buffer();
        int biasOffset = classes * features;
        for (int c = 0; c < classes; c++) {
            gb.put(biasOffset + c, (float) (sum.get(c, features) * scale));
        }
        SquaredNorms norms = optimizer().step();
        return new StepResult(loss / n, correct, norms.parameterNorm(), norms.gradientNorm());
    }
}
