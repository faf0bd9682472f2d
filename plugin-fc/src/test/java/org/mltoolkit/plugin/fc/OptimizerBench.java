package org.mltoolkit.plugin.fc;

import java.util.Random;
import java.util.Set;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.support.optim.Optimizer;
import org.mltoolkit.plugin.support.optim.Optimizers;
import org.mltoolkit.plugin.support.optim.Parameter;
import org.tribuo.math.LinearParameters;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.optimisers.Adam;

/**
 * Run by hand, not a test: one Adam update of fc-sized parameters (802,160) with Tribuo's {@link Adam}
 * (double precision, one thread, on a {@link LinearParameters} of 500 x 1,604 = 802,000 weights) against
 * the support library's Adam over the {@code fc} model's own parameters (float32 on native memory, 1 and 2
 * threads). It lives in this package to reach the model's parameters. Arguments: {@code [seconds per case=3]}.
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
        for (int threads = 1; threads <= 2; threads++) {
            ModelSpec spec =
                    new ModelSpec(new ExampleShape(1, 28, 28), 10, 1, Device.CPU, threads, PluginOptions.empty());
            try (DenseClassifier model = (DenseClassifier) new FcModelProvider().create(spec);
                    Optimizer adam = Optimizers.create(
                            new TrainerSpec("adam", 1e-3, 1, PluginOptions.empty()),
                            model.optimizerParameters(),
                            threads,
                            "bench",
                            Set.of())) {
                for (Parameter p : model.optimizerParameters()) {
                    for (int i = 0; i < p.size(); i++) {
                        p.gradients().put(i, (float) (random.nextGaussian() * 1e-3));
                    }
                }
                double ours = time(seconds, adam::step);
                System.out.printf(
                        "support Adam (float32, %d thread%s, norms fused), %,d parameters: %.2f ms per update%n",
                        threads, threads == 1 ? "" : "s", model.parameterCount(), ours);
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
