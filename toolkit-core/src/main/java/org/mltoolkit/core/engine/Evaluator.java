package org.mltoolkit.core.engine;

import java.util.Iterator;
import java.util.List;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;

/**
 * Computes the exact mean NLL and accuracy of a model over every example of a {@link BatchLoader}, in
 * evaluation mode ({@link Model#predictLogProbabilities}). Reuses one output buffer; does not mutate the model.
 */
public final class Evaluator {
    private final BatchLoader loader;
    private final float[] logProbabilities;

    public Evaluator(BatchLoader loader) {
        this.loader = loader;
        this.logProbabilities =
                new float[Math.min(loader.batchSize(), Math.max(1, loader.examples())) * loader.numClasses()];
    }

    public EvaluationMetrics evaluate(Model model) {
        long start = System.nanoTime();
        int k = loader.numClasses();
        double nll = 0;
        long correct = 0;
        int seen = 0;
        Iterator<Batch> batches = loader.batches(1);
        while (batches.hasNext()) {
            Batch batch = batches.next();
            model.predictLogProbabilities(batch, logProbabilities);
            nll += Metrics.sumNll(logProbabilities, batch.labels(), batch.size(), k);
            correct += Metrics.countCorrect(logProbabilities, batch.labels(), batch.size(), k);
            seen += batch.size();
        }
        return metrics(nll, correct, seen, start);
    }

    /**
     * Like {@link #evaluate(Model)}, and also keeps each example's predicted class and its probability, in the
     * loader's order (use an unshuffled loader to line them up with the data), and tallies the confusion matrix.
     */
    public Predictions predict(Model model, List<String> classNames) {
        long start = System.nanoTime();
        int k = loader.numClasses();
        int[] predicted = new int[loader.examples()];
        int[] labels = new int[loader.examples()];
        float[] confidence = new float[loader.examples()];
        double nll = 0;
        long correct = 0;
        int seen = 0;
        Iterator<Batch> batches = loader.batches(1);
        while (batches.hasNext()) {
            Batch batch = batches.next();
            model.predictLogProbabilities(batch, logProbabilities);
            nll += Metrics.sumNll(logProbabilities, batch.labels(), batch.size(), k);
            for (int i = 0; i < batch.size(); i++) {
                int best = Metrics.argmax(logProbabilities, i * k, k);
                predicted[seen + i] = best;
                labels[seen + i] = batch.labels()[i];
                confidence[seen + i] = (float) Math.exp(logProbabilities[i * k + best]);
                if (best == batch.labels()[i]) {
                    correct++;
                }
            }
            seen += batch.size();
        }
        return new Predictions(
                predicted,
                confidence,
                metrics(nll, correct, seen, start),
                ConfusionMatrix.of(classNames, labels, predicted, seen));
    }

    private static EvaluationMetrics metrics(double nll, long correct, int seen, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seen == 0) {
            return new EvaluationMetrics(Double.NaN, Double.NaN, 0, seconds);
        }
        return new EvaluationMetrics(nll / seen, (double) correct / seen, seen, seconds);
    }
}
