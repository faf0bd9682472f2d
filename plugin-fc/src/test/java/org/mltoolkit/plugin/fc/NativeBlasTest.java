package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Model;

/**
 * The forward product {@code X W^T}, which takes a matrix-vector path for one example: same values as the
 * definition, and a model predicts an example alone as it does inside a batch.
 */
class NativeBlasTest {
    @Test
    void oneRowProductIsTheMatrixVectorProductAndAccumulatesWhenAsked() {
        int n = 37;
        int k = 53;
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[k];
        float[] w = new float[n * k];
        float[] start = new float[n];
        for (int i = 0; i < k; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < n * k; i++) {
            w[i] = (float) random.nextDouble(-1, 1);
        }
        for (int j = 0; j < n; j++) {
            start[j] = (float) random.nextDouble(-1, 1);
        }
        NativeBlas.ensureLoaded();
        for (boolean accumulate : new boolean[] {false, true}) {
            try (FloatPointer a = new FloatPointer(x);
                    FloatPointer b = new FloatPointer(w);
                    FloatPointer c = new FloatPointer(start)) {
                NativeBlas.multiplyTransposedB(a, b, c, 1, n, k, accumulate);
                for (int j = 0; j < n; j++) {
                    double expected = accumulate ? start[j] : 0;
                    for (int i = 0; i < k; i++) {
                        expected += (double) x[i] * w[j * k + i];
                    }
                    assertEquals(expected, c.get(j), 1e-4, "output " + j + ", accumulate " + accumulate);
                }
            }
        }
    }

    @Test
    void anExamplePredictedAloneGetsTheLogProbabilitiesItGetsInABatch() {
        LabeledData data = Fixtures.blobs(64, Fixtures.MNIST_SHAPE, 0.3, 11);
        try (Model model = new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 5, 2))) {
            Batch batch = Fixtures.batch(data, 0, 64);
            float[] together = new float[64 * 10];
            model.predictLogProbabilities(batch, together);
            float[] alone = new float[10];
            for (int e : new int[] {0, 17, 63}) {
                model.predictLogProbabilities(Fixtures.batch(data, e, 1), alone);
                for (int c = 0; c < 10; c++) {
                    assertEquals(together[e * 10 + c], alone[c], 1e-4, "example " + e + ", class " + c);
                }
            }
        }
    }
}
