package org.mltoolkit.core.engine;

import java.util.Iterator;
import java.util.List;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;

/**
 * Runs a model in evaluation mode ({@link Model#predictLogProbabilities}) over every example of a
 * {@link BatchLoader}: for the exact mean NLL and accuracy, for each example's prediction, or for any metric fed
 * batch by batch. Reuses one output buffer; does not mutate the model.
 */
public final class Evaluator {
    private final BatchLoader loader;
    private final float[] logProbabilities;

    /** What a pass hands on for each batch: the batch and the model's log-probabilities for it. */
    @FunctionalInterface
    public interface BatchPredictions {
        /**
         * Receives {@code batch} and, in the first {@code batch.size() * numClasses} entries of
         * {@code logProbabilities} (row-major), the model's log-probabilities. Both are reused by the next batch.
         */
        void accept(Batch batch, float[] logProbabilities, int numClasses);
    }

    public Evaluator(BatchLoader loader) {
        this.loader = loader;
        this.logProbabilities =
                new float[Math.min(loader.batchSize(), Math.max(1, loader.examples())) * loader.numClasses()];
    }

    /** How many examples a pass visits. */
    public int examples() {
        return loader.examples();
    }

    /** Predicts every batch in the loader's order and hands each to {@code consumer}. */
    public void forEachBatch(Model model, BatchPredictions consumer) {
        int k = loader.numClasses();
        Iterator<Batch> batches = loader.batches(1);
        while (batches.hasNext()) {
            Batch batch = batches.next();
            model.predictLogProbabilities(batch, logProbabilities);
            consumer.accept(batch, logProbabilities, k);
        }
    }

    /** The exact mean NLL and accuracy of {@code model} over the loader's examples, and the pass's time. */
    public EvaluationMetrics evaluate(Model model) {
        long start = System.nanoTime();
        Tally tally = new Tally();
        forEachBatch(model, tally::add);
        return tally.metrics(start);
    }

    /**
     * Like {@link #evaluate(Model)}, and also keeps each example's log-probabilities, predicted class and its
     * probability, in the loader's order (use an unshuffled loader to line them up with the data), and tallies the
     * confusion matrix.
     */
    public Predictions predict(Model model, List<String> classNames) {
        long start = System.nanoTime();
        int[] predicted = new int[loader.examples()];
        int[] labels = new int[loader.examples()];
        float[] confidence = new float[loader.examples()];
        float[] all = new float[loader.examples() * loader.numClasses()];
        Tally tally = new Tally();
        forEachBatch(model, (batch, logp, k) -> {
            System.arraycopy(logp, 0, all, tally.seen * k, batch.size() * k);
            for (int i = 0; i < batch.size(); i++) {
                int best = Metrics.argmax(logp, i * k, k);
                predicted[tally.seen + i] = best;
                labels[tally.seen + i] = batch.labels()[i];
                confidence[tally.seen + i] = (float) Math.exp(logp[i * k + best]);
            }
            tally.add(batch, logp, k);
        });
        return new Predictions(
                predicted,
                confidence,
                all,
                tally.metrics(start),
                ConfusionMatrix.of(classNames, labels, predicted, tally.seen));
    }

    /** Sums of the NLL and of the correct predictions over the examples seen. */
    private static final class Tally {
        private double nll;
        private long correct;
        private int seen;

        void add(Batch batch, float[] logp, int k) {
            nll += Metrics.sumNll(logp, batch.labels(), batch.size(), k);
            correct += Metrics.countCorrect(logp, batch.labels(), batch.size(), k);
            seen += batch.size();
        }

        EvaluationMetrics metrics(long start) {
            double seconds = (System.nanoTime() - start) / 1e9;
            if (seen == 0) {
                return new EvaluationMetrics(Double.NaN, Double.NaN, 0, seconds);
            }
            return new EvaluationMetrics(nll / seen, (double) correct / seen, seen, seconds);
        }
    }
}
