package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.engine.Engine;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.EventHandler;
import org.mltoolkit.core.metrics.ValidLoss;

/**
 * The reference's {@code check_best} and {@code save_model}, plus a resumable last checkpoint: after each
 * validation, a loss {@code <=} the best so far makes this epoch the best, keeps its weights in memory and
 * writes the best checkpoint; every epoch then writes the last checkpoint, which also carries the best weights
 * when they are older than its own.
 */
final class CheckpointPolicy implements EventHandler {
    private final Model model;
    private final Trainer trainer;
    private final Path bestFile;
    private final Path lastFile;
    private final TrainingConfig config;
    private final ModelSpec spec;
    private Map<String, Tensor> bestWeights;

    /**
     * Writes {@code config}'s best checkpoint and {@code directory}'s last one, recording the model as built from
     * {@code spec}. {@code bestWeights} are those restored on resume, or empty for a new run.
     */
    CheckpointPolicy(
            Model model,
            Trainer trainer,
            TrainingConfig config,
            ModelSpec spec,
            RunDirectory directory,
            Map<String, Tensor> bestWeights) {
        this.model = model;
        this.trainer = trainer;
        this.bestFile = Path.of(config.bestCheckpoint());
        this.lastFile = directory.lastCheckpoint();
        this.config = config;
        this.spec = recorded(spec, model);
        this.bestWeights = bestWeights;
    }

    /** The spec checkpoints record: the model's rebuild options over the given ones. */
    private static ModelSpec recorded(ModelSpec spec, Model model) {
        Map<String, String> extra = model.rebuildOptions();
        if (extra.isEmpty()) {
            return spec;
        }
        Map<String, String> options = new LinkedHashMap<>(spec.options().asMap());
        options.putAll(extra);
        return new ModelSpec(
                spec.inputShape(),
                spec.numClasses(),
                spec.seed(),
                spec.device(),
                spec.threads(),
                new PluginOptions(options));
    }

    @Override
    public void handle(Engine engine) {
        EngineState s = engine.state();
        EpochMetrics epoch = s.lastEpoch();
        Map<String, Tensor> weights = model.stateDict();
        Map<String, Tensor> optimizer = trainer.optimizerState();
        double validLoss = epoch.value(ValidLoss.NAME);
        boolean improved = validLoss <= s.bestValidLoss();
        if (improved) {
            s.best(s.epoch(), validLoss);
            bestWeights = weights;
            CheckpointFile.write(bestFile, checkpoint(s, weights, optimizer, Map.of()));
        }
        CheckpointFile.write(lastFile, checkpoint(s, weights, optimizer, improved ? Map.of() : bestWeights));
    }

    /** The best weights so far (those of the resumed checkpoint until an epoch beats them). */
    Map<String, Tensor> bestWeights() {
        return bestWeights;
    }

    private Checkpoint checkpoint(
            EngineState s, Map<String, Tensor> weights, Map<String, Tensor> optimizer, Map<String, Tensor> best) {
        return new Checkpoint(
                config.model(),
                config.trainer(),
                config.dataset(),
                spec,
                s.epoch(),
                config.seed(),
                s.bestEpoch(),
                s.bestValidLoss(),
                s.history(),
                config.toJson(),
                config.plugins(),
                weights,
                optimizer,
                best);
    }
}
