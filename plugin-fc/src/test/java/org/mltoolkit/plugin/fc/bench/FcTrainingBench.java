package org.mltoolkit.plugin.fc.bench;

import java.nio.file.Path;
import java.util.Random;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.fc.BackpropTrainerProvider;
import org.mltoolkit.plugin.fc.FcModelProvider;
import org.mltoolkit.plugin.fc.LinearModelProvider;
import org.mltoolkit.plugin.fc.TribuoLinearTrainerProvider;

/**
 * Trains on real MNIST like the reference (seeded 48,000/12,000 split, batch 256, Adam 1e-3) and prints the
 * training seconds of every epoch (the step loop alone), the validation accuracy and the test accuracy of
 * the last epoch.
 *
 * <p>Arguments: {@code MNIST_DIR [model=fc] [epochs=3] [threads=2] [trainer=default]}.
 */
public final class FcTrainingBench {
    private FcTrainingBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String modelName = args.length > 1 ? args[1] : "fc";
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        LabeledData train = MnistFiles.read(dir, "train");
        LabeledData test = MnistFiles.read(dir, "t10k");
        int d = train.shape().size();
        int n = train.size();
        int trainCount = (int) (n * 0.8);
        int[] order = permutation(n, new Random(42));
        ModelProvider provider = modelName.equals("fc") ? new FcModelProvider() : new LinearModelProvider();
        TrainerProvider trainerProvider = args.length > 4 && !args[4].equals("default")
                ? (args[4].equals("backprop") ? new BackpropTrainerProvider() : new TribuoLinearTrainerProvider())
                : (provider.defaultTrainer().equals(BackpropTrainerProvider.NAME)
                        ? new BackpropTrainerProvider()
                        : new TribuoLinearTrainerProvider());
        ModelSpec spec = new ModelSpec(train.shape(), 10, 42, Device.CPU, threads, PluginOptions.empty());
        int batchSize = 256;
        float[] features = new float[batchSize * d];
        int[] labels = new int[batchSize];
        Random shuffle = new Random(7);
        try (Model model = provider.create(spec);
                Trainer trainer =
                        trainerProvider.create(model, new TrainerSpec("adam", 1e-3, 42, PluginOptions.empty()))) {
            System.out.printf(
                    "model %s (%d parameters), trainer %s, threads %d%n",
                    modelName, model.parameterCount(), trainerProvider.name(), threads);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int[] epochOrder = permutation(trainCount, shuffle);
                double lossSum = 0;
                int correct = 0;
                long start = System.nanoTime();
                for (int b = 0; b < trainCount; b += batchSize) {
                    int size = Math.min(batchSize, trainCount - b);
                    for (int i = 0; i < size; i++) {
                        int src = order[epochOrder[b + i]];
                        train.copyExample(src, features, i * d);
                        labels[i] = train.labels()[src];
                    }
                    StepResult r = trainer.step(new Batch(features, labels, size, train.shape(), InputLayout.FLAT));
                    lossSum += r.loss() * size;
                    correct += r.correct();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double validAccuracy = accuracy(model, train, order, trainCount, n);
                System.out.printf(
                        "epoch %d: train %.3f s (%.0f images/s) loss %.4f acc %.4f | valid acc %.4f%n",
                        epoch,
                        seconds,
                        trainCount / seconds,
                        lossSum / trainCount,
                        (double) correct / trainCount,
                        validAccuracy);
            }
            int[] identity = permutation(test.size(), null);
            System.out.printf("test accuracy %.4f%n", accuracy(model, test, identity, 0, test.size()));
        }
    }

    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        if (random != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
        }
        return p;
    }

    static double accuracy(Model model, LabeledData data, int[] order, int from, int to) {
        int d = data.shape().size();
        int batchSize = 1000;
        float[] features = new float[batchSize * d];
        int[] labels = new int[batchSize];
        float[] out = new float[batchSize * 10];
        int correct = 0;
        for (int b = from; b < to; b += batchSize) {
            int size = Math.min(batchSize, to - b);
            for (int i = 0; i < size; i++) {
                int src = order[b + i];
                data.copyExample(src, features, i * d);
                labels[i] = data.labels()[src];
            }
            model.predictLogProbabilities(new Batch(features, labels, size, data.shape(), InputLayout.FLAT), out);
            correct += Metrics.countCorrect(out, labels, size, 10);
        }
        return (double) correct / (to - from);
    }
}
