package org.mltoolkit.plugin.cnn.bench;

import java.util.Map;
import java.util.SplittableRandom;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.cnn.CnnModelProvider;
import org.mltoolkit.plugin.cnn.OrtTrainer;
import org.mltoolkit.plugin.cnn.OrtTrainerProvider;

/**
 * Times training steps and batch forward passes of the cnn model on random MNIST-shaped data.
 * Usage: CnnBenchmark [batch=256] [steps=20] [threads=2] [profilePrefix]
 */
public final class CnnBenchmark {
    private CnnBenchmark() {}

    public static void main(String[] args) throws java.io.IOException {
        int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String profile = args.length > 3 && !args[3].equals("-") ? args[3] : null;
        Map<String, String> options = new java.util.HashMap<>();
        if (args.length > 4) {
            for (String kv : args[4].split(",")) {
                options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        if (profile != null) {
            options.put("profile", profile);
        }
        ExampleShape shape = new ExampleShape(1, 28, 28);
        SplittableRandom random = new SplittableRandom(7);
        float[] features = new float[batchSize * shape.size()];
        int[] labels = new int[batchSize];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextDouble() < 0.8 ? 0f : (float) random.nextDouble();
        }
        for (int i = 0; i < batchSize; i++) {
            labels[i] = random.nextInt(10);
        }
        Batch batch = new Batch(features, labels, batchSize, shape, InputLayout.IMAGE);
        ModelSpec spec = new ModelSpec(shape, 10, 42, Device.CPU, threads, PluginOptions.empty());
        long t0 = System.nanoTime();
        try (Model model = new CnnModelProvider().create(spec);
                Trainer trainer = new OrtTrainerProvider()
                        .create(model, new TrainerSpec("adam", 1e-3, 42, new PluginOptions(options)))) {
            System.out.printf("setup %.2f s%n", (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < 3; i++) {
                trainer.step(batch);
            }
            double total = 0;
            double best = Double.MAX_VALUE;
            StepResult last = null;
            for (int i = 0; i < steps; i++) {
                long s = System.nanoTime();
                last = trainer.step(batch);
                double seconds = (System.nanoTime() - s) / 1e9;
                total += seconds;
                best = Math.min(best, seconds);
            }
            System.out.printf(
                    "train step batch %d: mean %.3f s, best %.3f s (%d steps) last loss %.4f%n",
                    batchSize, total / steps, best, steps, last.loss());
            if (profile != null) {
                System.out.println("profile: " + ((OrtTrainer) trainer).endProfiling());
            }
            String export = System.getProperty("export");
            if (export != null) {
                try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(java.nio.file.Path.of(export))) {
                    ((org.mltoolkit.plugin.cnn.CnnModel) model).writeOnnx(out);
                }
            }
            float[] out = new float[batchSize * 10];
            model.predictLogProbabilities(batch, out);
            model.predictLogProbabilities(batch, out);
            total = 0;
            best = Double.MAX_VALUE;
            for (int i = 0; i < steps; i++) {
                long s = System.nanoTime();
                model.predictLogProbabilities(batch, out);
                double seconds = (System.nanoTime() - s) / 1e9;
                total += seconds;
                best = Math.min(best, seconds);
            }
            System.out.printf(
                    "forward batch %d: mean %.1f ms, best %.1f ms%n", batchSize, total / steps * 1e3, best * 1e3);
        }
        System.out.printf(
                "peak heap %.0f MiB%n",
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
    }
}
