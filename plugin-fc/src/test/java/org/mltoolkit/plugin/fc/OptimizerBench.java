package org.mltoolkit.plugin.fc;

import java.util.Random;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.Adam;

/**
 * Run by hand, not a test: one Adam update of fc-sized parameters (802,160) with Tribuo's {@link Adam}
 * (double precision, one thread, on a {@link LinearParameters} of 500 x 1,604 = 802,000 weights) against
 * this plugin's {@link AdamOptimizer} (float32 on native memory, 1 and 2 threads). It lives in this package
 * because the plugin's optimizer is package-private. Arguments: {@code [seconds per case=3]}.
 */
public final class OptimizerBench {
    private OptimizerBench() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Random random = new Random(1);
        LinearParameters parameters = new LinearParameters(1604, 500);
        Adam tribuoAdam = new Adam(1e-3, 0.9, 0.999, 1e-8);
        tribuoAdam.initialise(parameters);
        DenseMatrix gradient = new DenseMatrix(500, 1604);
        for (int i = 0; i < 500; i++) {
            for (int j = 0; j < 1604; j++) {
                gradient.set(i, j, random.nextGaussian() * 1e-3);
            }
        }
        Tensor[] gradients = {gradient};
        double tribuo = time(seconds, () -> parameters.update(tribuoAdam.step(gradients, 1.0)));
        System.out.printf("Tribuo Adam (double, 1 thread), 802,000 parameters: %.2f ms per update%n", tribuo);
        int size = 802_160;
        for (int threads = 1; threads <= 2; threads++) {
            try (NativeFloats p = NativeFloats.allocate(size);
                    NativeFloats g = NativeFloats.allocate(size);
                    AdamOptimizer adam = new AdamOptimizer(size, 1e-3, 0.9, 0.999, 1e-8, 0, threads)) {
                for (int i = 0; i < size; i++) {
                    g.buffer().put(i, (float) (random.nextGaussian() * 1e-3));
                }
                double[] norms = new double[2];
                double ours = time(seconds, () -> adam.step(p, g, norms));
                System.out.printf(
                        "plugin Adam (float32, %d thread%s, norms fused), 802,160 parameters: %.2f ms per update%n",
                        threads, threads == 1 ? "" : "s", ours);
            }
        }
    }

    private static double time(double seconds, Runnable work) {
        for (long end = System.nanoTime() + (long) (seconds * 3e8); System.nanoTime() < end; ) {
            work.run();
        }
        java.util.List<Double> times = new java.util.ArrayList<>();
        for (long end = System.nanoTime() + (long) (seconds * 1e9); System.nanoTime() < end || times.size() < 5; ) {
            long t0 = System.nanoTime();
            work.run();
            times.add((System.nanoTime() - t0) / 1e6);
        }
        times.sort(null);
        return times.get(times.size() / 2);
    }
}
