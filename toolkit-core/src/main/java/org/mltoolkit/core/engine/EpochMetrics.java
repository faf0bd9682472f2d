package org.mltoolkit.core.engine;

/**
 * What one epoch measured: the training running averages at the epoch's end, the exact validation metrics,
 * the learning rate used, and the wall-clock seconds of the training loop and of the validation pass.
 * One line of {@code metrics.jsonl}; the checkpoint keeps the list so far.
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double paramNorm,
        double gradNorm,
        double validLoss,
        double validAccuracy,
        double lr,
        double seconds,
        double validSeconds) {

    /** A copy without the timings, for comparing two runs that must agree on everything else. */
    public EpochMetrics withoutTimings() {
        return new EpochMetrics(
                epoch, trainLoss, trainAccuracy, paramNorm, gradNorm, validLoss, validAccuracy, lr, 0, 0);
    }
}
