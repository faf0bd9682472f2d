package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float32 backward pass of a network with BatchNorm (training mode) against central finite differences of a
 * double-precision forward pass written here independently; the two forward passes are checked to agree first.
 */
class GradientCheckTest {
    private static final int[] WIDTHS = {6, 5, 4, 3};
    private static final int N = 8;

    @BeforeAll
    static void loadBlas() {
        NativeBlas.ensureLoaded();
    }

    @Test
    void backwardMatchesFiniteDifferencesOfDoublePrecisionForward() {
        Random random = new Random(3);
        float[] x = new float[N * WIDTHS[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = random.nextInt(WIDTHS[WIDTHS.length - 1]);
        }
        try (DenseNetwork network = new DenseNetwork(WIDTHS, 11, 1)) {
            // Non-trivial BatchNorm scales and shifts, so that their gradients matter.
            FloatBuffer p = network.parameters().buffer();
            for (int l = 0; l < network.layerCount() - 1; l++) {
                for (int c = 0; c < WIDTHS[l + 1]; c++) {
                    network.gamma(l).buffer().put(c, (float) (0.5 + random.nextDouble()));
                    network.beta(l).buffer().put(c, (float) (random.nextGaussian() * 0.3));
                }
            }
            double[] theta = new double[network.parameters().length()];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = p.get(i);
            }
            double[] lossAndCorrect = new double[2];
            network.trainStep(x, y, N, lossAndCorrect);
            float[] analytic = network.gradients().toArray();

            double reference = referenceLoss(theta, x, y);
            assertEquals(reference, lossAndCorrect[0], 1e-5 * Math.max(1, reference), "forward passes disagree");

            double h = 1e-5;
            double worst = 0;
            for (int i = 0; i < theta.length; i++) {
                double saved = theta[i];
                theta[i] = saved + h;
                double plus = referenceLoss(theta, x, y);
                theta[i] = saved - h;
                double minus = referenceLoss(theta, x, y);
                theta[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double error = Math.abs(analytic[i] - numeric) / (1e-3 + Math.abs(numeric));
                worst = Math.max(worst, error);
                assertTrue(error < 1e-2, "parameter " + i + ": analytic " + analytic[i] + " vs numeric " + numeric);
            }
            assertTrue(worst < 1e-2, "worst relative error " + worst);
        }
    }

    /** Mean NLL of the network in training mode (batch statistics, biased variance), all in double precision. */
    static double referenceLoss(double[] theta, float[] x, int[] y) {
        int layers = WIDTHS.length - 1;
        double[][] h = new double[N][];
        for (int r = 0; r < N; r++) {
            h[r] = new double[WIDTHS[0]];
            for (int j = 0; j < WIDTHS[0]; j++) {
                h[r][j] = x[r * WIDTHS[0] + j];
            }
        }
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            int in = WIDTHS[l];
            int out = WIDTHS[l + 1];
            int w = offset;
            int b = w + in * out;
            offset = b + out;
            double[][] z = new double[N][out];
            for (int r = 0; r < N; r++) {
                for (int o = 0; o < out; o++) {
                    double s = theta[b + o];
                    for (int i = 0; i < in; i++) {
                        s += theta[w + o * in + i] * h[r][i];
                    }
                    z[r][o] = s;
                }
            }
            if (l < layers - 1) {
                int gamma = offset;
                int beta = gamma + out;
                offset = beta + out;
                for (int o = 0; o < out; o++) {
                    double mean = 0;
                    for (int r = 0; r < N; r++) {
                        z[r][o] = z[r][o] > 0 ? z[r][o] : 0.01 * z[r][o];
                        mean += z[r][o];
                    }
                    mean /= N;
                    double var = 0;
                    for (int r = 0; r < N; r++) {
                        var += (z[r][o] - mean) * (z[r][o] - mean);
                    }
                    var /= N;
                    for (int r = 0; r < N; r++) {
                        z[r][o] = theta[gamma + o] * (z[r][o] - mean) / Math.sqrt(var + 1e-5) + theta[beta + o];
                    }
                }
            }
            h = z;
        }
        double loss = 0;
        for (int r = 0; r < N; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : h[r]) {
                max = Math.max(max, v);
            }
            double s = 0;
            for (double v : h[r]) {
                s += Math.exp(v - max);
            }
            loss -= h[r][y[r]] - max - Math.log(s);
        }
        return loss / N;
    }
}
