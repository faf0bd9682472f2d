package org.mltoolkit.core.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.core.engine.EpochMetrics;

/**
 * Everything a training run saves after an epoch: enough to rebuild the model, evaluate it, and resume
 * training exactly where it stopped. The maps are kept as given, not copied; their iteration order is the
 * order in the file.
 *
 * @param modelName      the model provider's name
 * @param trainerName    the trainer provider's name
 * @param datasetName    the dataset trained on
 * @param modelSpec      the spec the model was built from, so that the same model can be built again
 * @param epoch          the number of epochs completed
 * @param seed           the run's seed; with {@code epoch} it is the whole random state (shuffles derive from both)
 * @param bestEpoch      the epoch with the lowest validation loss so far
 * @param bestValidLoss  that loss
 * @param history        the metrics of epochs 1 to {@code epoch}
 * @param configJson     the run's full configuration as a JSON object
 * @param plugins        plugin ids and versions that provided the dataset, model and trainer
 * @param modelState     the model's state after {@code epoch}
 * @param optimizerState the trainer's optimizer state after {@code epoch}
 * @param bestModelState the model's state after {@code bestEpoch}, or empty when that is {@code modelState}
 */
public record Checkpoint(
        String modelName,
        String trainerName,
        String datasetName,
        ModelSpec modelSpec,
        int epoch,
        long seed,
        int bestEpoch,
        double bestValidLoss,
        List<EpochMetrics> history,
        String configJson,
        Map<String, String> plugins,
        Map<String, Tensor> modelState,
        Map<String, Tensor> optimizerState,
        Map<String, Tensor> bestModelState) {
    public Checkpoint {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(trainerName, "trainerName");
        Objects.requireNonNull(datasetName, "datasetName");
        Objects.requireNonNull(modelSpec, "modelSpec");
        history = List.copyOf(history);
        Objects.requireNonNull(configJson, "configJson");
        plugins = Map.copyOf(plugins);
        Objects.requireNonNull(modelState, "modelState");
        Objects.requireNonNull(optimizerState, "optimizerState");
        Objects.requireNonNull(bestModelState, "bestModelState");
        if (epoch < 1 || bestEpoch < 1 || bestEpoch > epoch) {
            throw new IllegalArgumentException("epoch " + epoch + " with best epoch " + bestEpoch);
        }
    }

    /**
     * This checkpoint without its optimizer state and its copy of the best epoch's weights: the model as its own
     * weights leave it, which is all that evaluating or combining it needs.
     */
    public Checkpoint weightsOnly() {
        return new Checkpoint(
                modelName,
                trainerName,
                datasetName,
                modelSpec,
                epoch,
                seed,
                bestEpoch,
                bestValidLoss,
                history,
                configJson,
                plugins,
                modelState,
                Map.of(),
                Map.of());
    }

    /** The weights of the best epoch: {@link #bestModelState()} or, when that is empty, {@link #modelState()}. */
    public Map<String, Tensor> bestWeights() {
        return bestModelState.isEmpty() ? modelState : bestModelState;
    }
}
