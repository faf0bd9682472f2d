package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.EvaluationMetrics;

/**
 * The outcome of a {@link TrainingRun}, as {@code summary.json} records it.
 *
 * @param runDirectory         where the run's files are
 * @param bestCheckpoint       the best checkpoint's file
 * @param history              every epoch's metrics, including those before a resume
 * @param bestEpoch            the epoch with the lowest validation loss
 * @param bestValidLoss        that loss
 * @param test                 the best weights' metrics on the test split
 * @param trainSeconds         time spent in the training loops of all epochs (validation and test excluded)
 * @param trainImagesPerSecond training examples processed per second of {@code trainSeconds}
 * @param device               where the model ran, as the model reported it
 * @param stopReason           why the run ended before its last epoch, or null
 * @param bestWeights          the best model state, as restored at the end
 */
public record TrainingResult(
        Path runDirectory,
        Path bestCheckpoint,
        List<EpochMetrics> history,
        int bestEpoch,
        double bestValidLoss,
        EvaluationMetrics test,
        double trainSeconds,
        double trainImagesPerSecond,
        String device,
        String stopReason,
        Map<String, Tensor> bestWeights) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** Number of epochs completed, including those before a resume. */
    public int epochsRun() {
        return history.size();
    }

    public Path lastCheckpoint() {
        return runDirectory.resolve(RunDirectory.LAST_CHECKPOINT);
    }
}
