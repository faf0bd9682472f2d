package org.mltoolkit.core.testing;

import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.engine.EpochMetrics;

/** Checkpoints made from others with some parts replaced, to craft the files a test reads. */
public final class Checkpoints {
    private Checkpoints() {}

    /** {@code c} with {@code history}, {@code configJson} and {@code bestModelState} in place of its own. */
    public static Checkpoint with(
            Checkpoint c, List<EpochMetrics> history, String configJson, Map<String, Tensor> bestModelState) {
        return new Checkpoint(
                c.modelName(),
                c.trainerName(),
                c.datasetName(),
                c.modelSpec(),
                c.epoch(),
                c.seed(),
                c.bestEpoch(),
                c.bestValidLoss(),
                history,
                configJson,
                c.plugins(),
                c.modelState(),
                c.optimizerState(),
                bestModelState);
    }

    /** {@code c} with {@code configJson} in place of its own configuration. */
    public static Checkpoint withConfig(Checkpoint c, String configJson) {
        return with(c, c.modelSpec(), configJson);
    }

    /** {@code c} with {@code modelSpec} and {@code configJson} in place of its own. */
    public static Checkpoint with(Checkpoint c, ModelSpec modelSpec, String configJson) {
        return new Checkpoint(
                c.modelName(),
                c.trainerName(),
                c.datasetName(),
                modelSpec,
                c.epoch(),
                c.seed(),
                c.bestEpoch(),
                c.bestValidLoss(),
                c.history(),
                configJson,
                c.plugins(),
                c.modelState(),
                c.optimizerState(),
                c.bestModelState());
    }
}
