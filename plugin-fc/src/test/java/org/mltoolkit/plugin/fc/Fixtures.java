package org.mltoolkit.plugin.fc;

import java.util.Map;
import java.util.Random;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.TrainerSpec;

/** Synthetic data and specs for testing the machinery rather than accuracy. */
final class Fixtures {
    static final ExampleShape MNIST_SHAPE = new ExampleShape(1, 28, 28);

    private Fixtures() {}

    static ModelSpec spec(ExampleShape shape, long seed, int threads) {
        return new ModelSpec(shape, 10, seed, Device.CPU, threads, PluginOptions.empty());
    }

    static TrainerSpec adam() {
        return new TrainerSpec("adam", 1e-3, 1, PluginOptions.empty());
    }

    static TrainerSpec sgd(double lr, double momentum) {
        return new TrainerSpec("sgd", lr, 1, new PluginOptions(Map.of("momentum", Double.toString(momentum))));
    }

    /**
     * {@code n} examples in 10 classes: each class has a random prototype in [0, 1]^d; an example is its class
     * prototype plus uniform noise of amplitude {@code noise}, clipped to [0, 1].
     */
    static LabeledData blobs(int n, ExampleShape shape, double noise, long seed) {
        int d = shape.size();
        Random random = new Random(seed);
        float[][] prototypes = new float[10][d];
        for (float[] p : prototypes) {
            for (int j = 0; j < d; j++) {
                p[j] = random.nextFloat();
            }
        }
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(10);
            for (int j = 0; j < d; j++) {
                double v = prototypes[y[i]][j] + noise * (2 * random.nextDouble() - 1);
                x[i * d + j] = (float) Math.min(1, Math.max(0, v));
            }
        }
        return new LabeledData(x, y, shape, 10);
    }

    /** Examples {@code [from, from+size)} of {@code data} as a batch (arrays copied). */
    static Batch batch(LabeledData data, int from, int size) {
        int d = data.shape().size();
        float[] x = new float[size * d];
        int[] y = new int[size];
        data.copyRange(from, size, x, 0);
        System.arraycopy(data.labels(), from, y, 0, size);
        return new Batch(x, y, size, data.shape(), InputLayout.FLAT);
    }
}
