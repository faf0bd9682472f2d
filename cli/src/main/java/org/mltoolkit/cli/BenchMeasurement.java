package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.OptionalDouble;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.core.engine.BatchLoader;
import org.mltoolkit.core.engine.DataSplit;
import org.mltoolkit.core.engine.EvaluationMetrics;
import org.mltoolkit.core.engine.Evaluator;
import org.mltoolkit.core.plugins.ExtensionLookup;

/**
 * The measurements of {@code toolkit bench} for one model, taken in this process: training steps after a warm-up
 * (a fixed number, or one whole epoch), the exact validation pass of a run, inference throughput at the batch size
 * and batch-1 latency through {@link Model#predictLogProbabilities}, and the process's peak resident memory after
 * training and validation. The model is trained as a run trains it: the run's split (train ratio 0.8) and shuffled
 * batches, the model's default trainer, Adam with learning rate 1e-3, on the CPU.
 *
 * <p>The PyTorch script {@code bench/pytorch_bench.py} measures the same figures in the same order and writes the
 * same keys.
 */
final class BenchMeasurement {
    /** Share of the training examples a run trains on; the rest is the validation split. */
    static final double TRAIN_RATIO = 0.8;

    /** Untimed inference batches before the timed ones. */
    static final int INFERENCE_WARMUP_BATCHES = 2;

    /** Timed inference batches follow each other until they have taken at least this long. */
    static final double MIN_INFERENCE_SECONDS = 2.0;

    /** Timed training steps taken even when they exceed the time limit. */
    static final int MIN_STEPS = 10;

    /** Untimed batch-1 predictions before the timed ones. */
    static final int LATENCY_WARMUP = 20;

    /**
     * What to measure.
     *
     * @param model          the model's name
     * @param batchSize      the training, validation and inference batch size
     * @param warmupSteps    untimed training steps first
     * @param steps          at most this many timed training steps; 0 times one whole epoch instead
     * @param maxSeconds     the timed steps stop once they have taken this long (after {@link #MIN_STEPS}); 0 for
     *                       no limit
     * @param threads        compute threads of the model
     * @param seed           seed of the split, the shuffling and the initial weights
     * @param latencySamples timed batch-1 predictions
     */
    record Settings(
            String model,
            int batchSize,
            int warmupSteps,
            int steps,
            double maxSeconds,
            int threads,
            long seed,
            int latencySamples) {}

    private BenchMeasurement() {}

    /**
     * Measures {@code settings.model()} on {@code data} with the model's default trainer from {@code lookup} and
     * returns the figures as a JSON object with the keys of {@link BenchFigure} (except start-up, which needs the
     * parent's launch time: {@code first_step_unix_ms} is given instead) and the counts they came from. Builds and
     * closes its own model and trainer; {@code data} is only read. Throws ToolkitException as the providers do for a
     * model or trainer they cannot build.
     */
    static ObjectNode measure(ExtensionLookup lookup, DatasetSplits data, Settings settings) {
        ModelProvider modelProvider = lookup.model(settings.model());
        TrainerProvider trainerProvider = lookup.trainer(modelProvider.defaultTrainer());
        InputLayout layout = modelProvider.inputLayout();
        DataSplit split = DataSplit.of(data.train(), TRAIN_RATIO, settings.seed(), 0);
        BatchLoader trainBatches =
                new BatchLoader(data.train(), split.train(), settings.batchSize(), true, settings.seed(), layout);
        BatchLoader validBatches =
                new BatchLoader(data.train(), split.valid(), settings.batchSize(), false, settings.seed(), layout);
        BatchLoader testBatches = BatchLoader.sequential(data.test(), settings.batchSize(), layout);
        BatchLoader singles = BatchLoader.sequential(data.test(), 1, layout);
        ModelSpec modelSpec = new ModelSpec(
                data.train().shape(),
                data.train().numClasses(),
                settings.seed(),
                Device.CPU,
                settings.threads(),
                PluginOptions.empty());
        TrainerSpec trainerSpec = new TrainerSpec("adam", 1e-3, settings.seed(), PluginOptions.empty());

        ObjectNode figures = Json.object();
        figures.put("implementation", "toolkit");
        figures.put("model", settings.model());
        figures.put("batch_size", settings.batchSize());
        figures.put("threads", settings.threads());
        try (Model model = modelProvider.create(modelSpec);
                Trainer trainer = trainerProvider.create(model, trainerSpec)) {
            figures.put("parameters", model.parameterCount());
            EndlessBatches batches = new EndlessBatches(trainBatches);
            long firstStep = System.currentTimeMillis();
            for (int i = 0; i < settings.warmupSteps(); i++) {
                trainer.step(batches.next());
            }
            figures.put("first_step_unix_ms", firstStep);
            figures.put("warmup_steps", settings.warmupSteps());

            int images = 0;
            int steps = 0;
            long start = System.nanoTime();
            if (settings.steps() > 0) {
                for (; steps < settings.steps() && withinTime(steps, start, settings.maxSeconds()); steps++) {
                    Batch batch = batches.next();
                    trainer.step(batch);
                    images += batch.size();
                }
            } else {
                Iterator<Batch> epoch = trainBatches.batches(batches.epoch() + 1);
                while (epoch.hasNext()) {
                    Batch batch = epoch.next();
                    trainer.step(batch);
                    images += batch.size();
                    steps++;
                }
            }
            double trainSeconds = seconds(start);
            double imagesPerSecond = images / trainSeconds;
            figures.put("train_steps", steps);
            figures.put("train_images", images);
            figures.put("train_examples", trainBatches.examples());
            figures.put("full_epoch", settings.steps() <= 0);
            figures.put(BenchFigure.TRAIN_IMAGES_PER_SECOND.key(), imagesPerSecond);
            figures.put(
                    BenchFigure.EPOCH_SECONDS.key(),
                    settings.steps() > 0 ? trainBatches.examples() / imagesPerSecond : trainSeconds);

            start = System.nanoTime();
            EvaluationMetrics validation = new Evaluator(validBatches).evaluate(model);
            figures.put(BenchFigure.VALIDATION_SECONDS.key(), seconds(start));
            figures.put("validation_examples", validation.examples());
            figures.put("validation_loss", validation.loss());
            figures.put("validation_accuracy", validation.accuracy());
            OptionalDouble peak = peakResidentMegabytes(Path.of("/proc/self/status"));
            if (peak.isPresent()) {
                figures.put(BenchFigure.PEAK_RSS_MB.key(), peak.getAsDouble());
            } else {
                figures.putNull(BenchFigure.PEAK_RSS_MB.key());
            }

            measureInference(model, testBatches, figures);
            double[] latencies = latenciesMillis(model, singles, settings.latencySamples());
            figures.put("latency_samples", latencies.length);
            figures.put(BenchFigure.LATENCY_MEDIAN_MS.key(), percentile(latencies, 0.5));
            figures.put(BenchFigure.LATENCY_P90_MS.key(), percentile(latencies, 0.9));
        }
        return figures;
    }

    /**
     * Predicts test batches at the batch size, {@link #INFERENCE_WARMUP_BATCHES} untimed and then batch after batch,
     * in file order and starting over at the end of the split, until {@link #MIN_INFERENCE_SECONDS} have passed, and
     * puts the throughput into {@code figures}. The batches are assembled before the clock starts.
     */
    private static void measureInference(Model model, BatchLoader testBatches, ObjectNode figures) {
        float[] out = new float[testBatches.batchSize() * testBatches.numClasses()];
        Batch[] batches = new Batch[testBatches.batchesPerEpoch()];
        Iterator<Batch> pass = testBatches.batches(1);
        for (int i = 0; i < batches.length; i++) {
            batches[i] = pass.next();
        }
        for (int i = 0; i < INFERENCE_WARMUP_BATCHES; i++) {
            model.predictLogProbabilities(batches[i % batches.length], out);
        }
        long images = 0;
        int predicted = 0;
        long start = System.nanoTime();
        do {
            Batch batch = batches[predicted % batches.length];
            model.predictLogProbabilities(batch, out);
            images += batch.size();
            predicted++;
        } while (seconds(start) < MIN_INFERENCE_SECONDS);
        figures.put("inference_batches", predicted);
        figures.put(BenchFigure.INFERENCE_IMAGES_PER_SECOND.key(), images / seconds(start));
    }

    /**
     * Times {@code samples} predictions of one test image each (the first ones in file order, cycling if there are
     * fewer), after {@link #LATENCY_WARMUP} untimed ones; the batches are assembled before the clock starts.
     */
    private static double[] latenciesMillis(Model model, BatchLoader singles, int samples) {
        int available = Math.min(singles.examples(), samples + LATENCY_WARMUP);
        Batch[] batches = new Batch[available];
        Iterator<Batch> pass = singles.batches(1);
        for (int i = 0; i < available; i++) {
            batches[i] = pass.next();
        }
        float[] out = new float[singles.numClasses()];
        for (int i = 0; i < LATENCY_WARMUP; i++) {
            model.predictLogProbabilities(batches[i % available], out);
        }
        double[] millis = new double[samples];
        for (int i = 0; i < samples; i++) {
            Batch batch = batches[(LATENCY_WARMUP + i) % available];
            long start = System.nanoTime();
            model.predictLogProbabilities(batch, out);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    /**
     * The {@code q}-quantile of {@code samples} (0 to 1), interpolating linearly between the two nearest ranks
     * (numpy's default, which the PyTorch script uses): the median of 1, 2, 3, 4 is 2.5, their 0.9-quantile 3.7.
     * Does not mutate {@code samples}. Throws IllegalArgumentException for no samples or a {@code q} outside
     * [0, 1].
     */
    static double percentile(double[] samples, double q) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples to take a percentile of");
        }
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must lie in [0, 1], got " + q);
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        double rank = q * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /**
     * The peak resident set size ({@code VmHWM}) in megabytes (2^20 bytes) from a {@code /proc/PID/status} file,
     * or empty where there is no such file or line (not Linux).
     */
    static OptionalDouble peakResidentMegabytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                    return OptionalDouble.of(Long.parseLong(parts[0]) / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.empty();
    }

    private static boolean withinTime(int steps, long startNanos, double maxSeconds) {
        return steps < MIN_STEPS || maxSeconds <= 0 || seconds(startNanos) < maxSeconds;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Training batches epoch after epoch, each epoch shuffled as a run shuffles it. */
    private static final class EndlessBatches {
        private final BatchLoader loader;
        private int epoch = 1;
        private Iterator<Batch> current;

        EndlessBatches(BatchLoader loader) {
            this.loader = loader;
            this.current = loader.batches(epoch);
        }

        Batch next() {
            if (!current.hasNext()) {
                epoch++;
                current = loader.batches(epoch);
            }
            return current.next();
        }

        int epoch() {
            return epoch;
        }
    }
}
