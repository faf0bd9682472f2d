package org.mltoolkit.core.engine;

import java.util.Iterator;
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
        this.logProbabilities = new float[Math.min(loader.batchSize(), Math.max(1, loader.examples()))
                * loader.numClasses()];
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
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seen == 0) {
            return new EvaluationMetrics(Double.NaN, Double.NaN, 0, seconds);
        }
        return new EvaluationMetrics(nll / seen, (double) correct / seen, seen, seconds);
    }
}
