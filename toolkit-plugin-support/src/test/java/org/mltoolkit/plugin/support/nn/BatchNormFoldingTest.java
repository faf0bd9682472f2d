package org.mltoolkit.plugin.support.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {

    private static float[] random(SplittableRandom random, int n, double low, double high) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (low + random.nextDouble() * (high - low));
        }
        return values;
    }

    @Test
    void theFoldedLayerComputesWhatBatchNormThenTheLayerCompute() {
        SplittableRandom random = new SplittableRandom(1);
        int in = 7;
        int out = 4;
        float[] gamma = random(random, in, 0.5, 2);
        float[] beta = random(random, in, -1, 1);
        float[] mean = random(random, in, -1, 1);
        float[] var = random(random, in, 0.1, 3);
        float[] weight = random(random, out * in, -1, 1);
        float[] bias = random(random, out, -1, 1);
        float[] x = random(random, in, -2, 2);
        double[] expected = new double[out];
        for (int o = 0; o < out; o++) {
            expected[o] = bias[o];
            for (int i = 0; i < in; i++) {
                double normalised = (x[i] - mean[i]) / Math.sqrt(var[i] + 1e-5) * gamma[i] + beta[i];
                expected[o] += weight[o * in + i] * normalised;
            }
        }

        BatchNormFolding.Affine affine = BatchNormFolding.affine(gamma, beta, mean, var, 1e-5);
        BatchNormFolding.intoNextLinear(weight, bias, affine);

        for (int o = 0; o < out; o++) {
            double folded = bias[o];
            for (int i = 0; i < in; i++) {
                folded += weight[o * in + i] * x[i];
            }
            assertEquals(expected[o], folded, 1e-5, "output " + o);
        }
    }

    @Test
    void shapesThatDoNotFitAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BatchNormFolding.affine(new float[3], new float[3], new float[2], new float[3], 1e-5));
        assertEquals(
                "BatchNorm arrays of different lengths: gamma 3, beta 3, running mean 2, running variance 3",
                e.getMessage());
        BatchNormFolding.Affine affine = new BatchNormFolding.Affine(new float[3], new float[3]);
        e = assertThrows(
                IllegalArgumentException.class,
                () -> BatchNormFolding.intoNextLinear(new float[8], new float[2], affine));
        assertEquals(
                "a weight of 8 elements is not [2, 3] (the bias has 2 elements, the affine map 3 features)",
                e.getMessage());
    }
}
