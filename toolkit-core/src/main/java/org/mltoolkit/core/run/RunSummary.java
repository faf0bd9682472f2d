package org.mltoolkit.core.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.core.engine.DataSplit;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.EvaluationMetrics;
import org.mltoolkit.core.metrics.TrainSeconds;
import org.mltoolkit.core.metrics.ValidAccuracy;
import org.mltoolkit.core.plugins.ExtensionLookup;

/** What a run says about itself at the end: its {@link TrainingResult}, {@code summary.json}, and its plugins. */
final class RunSummary {
    private RunSummary() {}

    /**
     * The outcome of a finished run: its history and best epoch from {@code state}, the test metrics of the best
     * weights, and the training time over all epochs (those before a resume included).
     */
    static TrainingResult result(
            EngineState state,
            TrainingConfig config,
            EvaluationMetrics test,
            String device,
            Map<String, Tensor> bestWeights,
            int trainExamples) {
        double seconds = 0;
        for (EpochMetrics m : state.history()) {
            seconds += m.value(TrainSeconds.NAME);
        }
        double imagesPerSecond =
                seconds > 0 ? (double) trainExamples * state.history().size() / seconds : 0;
        return new TrainingResult(
                java.nio.file.Path.of(config.runDir()),
                java.nio.file.Path.of(config.bestCheckpoint()),
                state.history(),
                state.bestEpoch(),
                state.bestValidLoss(),
                test,
                seconds,
                imagesPerSecond,
                device,
                state.terminationReason(),
                bestWeights);
    }

    /** The content of {@code summary.json}, in the order it is written. */
    static Map<String, Object> of(
            TrainingResult r, TrainingConfig config, DatasetSplits splits, DataSplit split, Model model) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dataset", config.dataset());
        s.put("model", config.model());
        s.put("trainer", config.trainer());
        s.put("optimizer", config.optimizer());
        s.put("device", r.device());
        s.put("parameters", model.parameterCount());
        s.put("seed", config.seed());
        s.put("train_examples", split.train().length);
        s.put("valid_examples", split.valid().length);
        s.put("test_examples", splits.test().size());
        s.put("epochs_requested", config.epochs());
        s.put("epochs_run", r.epochsRun());
        s.put("stopped_early", r.stopReason() != null);
        s.put("stop_reason", r.stopReason());
        s.put("best_epoch", r.bestEpoch());
        s.put("best_valid_loss", r.bestValidLoss());
        s.put("best_valid_accuracy", r.history().get(r.bestEpoch() - 1).value(ValidAccuracy.NAME));
        s.put("test_loss", r.test().loss());
        s.put("test_accuracy", r.test().accuracy());
        s.put("train_seconds", r.trainSeconds());
        s.put("train_images_per_second", r.trainImagesPerSecond());
        s.put("best_checkpoint", r.bestCheckpoint().toString());
        s.put("last_checkpoint", r.lastCheckpoint().toString());
        s.put("plugins", config.plugins());
        return s;
    }

    /**
     * The plugins that provide the dataset (when it is found by name, that is when {@code datasetName} is not
     * null), the model and the trainer (when {@code trainerName} is not null), as id to version, as the lookup reports them. Throws
     * UnknownExtensionException for a name the lookup does not know.
     */
    static Map<String, String> pluginVersions(
            ExtensionLookup lookup, String datasetName, String modelName, String trainerName) {
        Map<String, String> found = new TreeMap<>();
        List<Object> extensions = new ArrayList<>();
        if (datasetName != null) {
            extensions.add(lookup.dataset(datasetName));
        }
        extensions.add(lookup.model(modelName));
        if (trainerName != null) {
            extensions.add(lookup.trainer(trainerName));
        }
        for (Object extension : extensions) {
            lookup.pluginOf(extension).ifPresent(p -> found.put(p.id(), p.version() != null ? p.version() : "unknown"));
        }
        return found;
    }
}
