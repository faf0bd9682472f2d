package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.Map;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.LearningRateSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run takes over from the checkpoint it resumes: its settings (reconciled with those given), its model
 * spec, weights and optimizer state, and its history and best epoch. For a new run ({@link #none()}) every step
 * is a no-op or gives the fresh value, so that {@link TrainingRun} tells one story for both.
 */
final class ResumePlan {
    private static final Logger LOG = LoggerFactory.getLogger(ResumePlan.class);

    private final Path file;
    private final Checkpoint checkpoint;

    private ResumePlan(Path file, Checkpoint checkpoint) {
        this.file = file;
        this.checkpoint = checkpoint;
    }

    /** A new run: nothing to take over. */
    static ResumePlan none() {
        return new ResumePlan(null, null);
    }

    /** Reads the checkpoint to resume; throws CheckpointFormatException naming it if it is unreadable. */
    static ResumePlan read(Path file) {
        return new ResumePlan(file, CheckpointFile.read(file));
    }

    /** The checkpoint resumed, or null for a new run. */
    Checkpoint checkpoint() {
        return checkpoint;
    }

    /** The checkpoint's file, or null for a new run. */
    Path file() {
        return file;
    }

    /**
     * Checks the settings given for a resumed run against the checkpoint's and returns the checkpoint's
     * configuration (null for a new run). Settings that shape the training (data, model, optimizer, batches,
     * seed, options, schedule, augmentation) must be left out or equal the saved ones; the epochs, if given, are the
     * new total and must exceed those done. Throws InvalidConfigurationException naming the setting, and
     * ToolkitException naming the file when its configuration is unreadable.
     */
    TrainingConfig reconcile(TrainingRunBuilder given) {
        if (checkpoint == null) {
            return null;
        }
        TrainingConfig saved = savedConfig();
        String dataName = given.data != null ? given.data.name() : given.dataset;
        same("dataset", dataName, saved.dataset());
        same("model", given.model, saved.model());
        same("trainer", given.trainer, saved.trainer());
        same("optimizer", given.optimizer, saved.optimizer());
        same("learningRate", given.learningRate, saved.learningRate());
        same("batchSize", given.batchSize, saved.batchSize());
        same("trainRatio", given.trainRatio, saved.trainRatio());
        same("seed", given.seed, saved.seed());
        same("limit", given.limit, saved.limit());
        same("modelOptions", given.modelOptions, saved.modelOptions());
        same("trainerOptions", given.trainerOptions, saved.trainerOptions());
        if (given.lrSchedule != null) {
            same("lrSchedule", LearningRateSchedule.parse(given.lrSchedule).spec(), saved.lrSchedule());
        }
        if (given.augment != null) {
            same(Augmentation.SETTING, Augmentation.parse(given.augment).spec(), saved.augment());
        }
        if (given.data == null && given.datasetLoader == null) {
            throw new InvalidConfigurationException(
                    "datasetLoader", null, "is required to load dataset '" + saved.dataset() + "'");
        }
        int total = given.epochs != null ? given.epochs : saved.epochs();
        if (total <= checkpoint.epoch()) {
            throw new InvalidConfigurationException(
                    "epochs",
                    total,
                    "is the total number of epochs and must exceed the " + checkpoint.epoch() + " already done in "
                            + file);
        }
        return saved;
    }

    /**
     * The resumed run's configuration; throws ToolkitException naming the checkpoint when it is unreadable or a
     * recorded value is out of range (a value the user did not type is reported as the file's, not as an option).
     */
    TrainingConfig savedConfig() {
        TrainingConfig saved;
        try {
            saved = TrainingConfig.fromJson(checkpoint.configJson());
        } catch (ToolkitException e) {
            throw new ToolkitException(file + ": " + e.getMessage(), e);
        }
        try {
            TrainingRunBuilder.checkRecorded(saved);
        } catch (InvalidConfigurationException e) {
            throw new ToolkitException(file + ": in its recorded configuration, " + e.getMessage(), e);
        }
        return saved;
    }

    private void same(String setting, Object given, Object savedValue) {
        if (given != null && !given.equals(savedValue)) {
            throw new InvalidConfigurationException(
                    setting,
                    given,
                    "differs from " + savedValue + " in " + file
                            + "; a resumed run keeps the settings it started with");
        }
    }

    /**
     * The spec to build the model from: a new run's from the data and the configuration; a resumed run's as saved,
     * with the configuration's device and threads. Throws ToolkitException naming the checkpoint when the data does
     * not fit its model.
     */
    ModelSpec modelSpec(DatasetSplits splits, TrainingConfig config) {
        Device device = Device.parse(config.device());
        if (checkpoint == null) {
            return new ModelSpec(
                    splits.train().shape(),
                    splits.classNames().size(),
                    config.seed(),
                    device,
                    config.threads(),
                    new PluginOptions(config.modelOptions()));
        }
        ModelSpec old = checkpoint.modelSpec();
        if (!old.inputShape().equals(splits.train().shape())
                || old.numClasses() != splits.classNames().size()) {
            throw new ToolkitException(file + ": the model takes " + old.inputShape() + " examples in "
                    + old.numClasses() + " classes but dataset '" + splits.name() + "' has "
                    + splits.train().shape() + " examples in "
                    + splits.classNames().size() + " classes");
        }
        return new ModelSpec(old.inputShape(), old.numClasses(), old.seed(), device, config.threads(), old.options());
    }

    /** Loads the saved weights into {@code model}; throws ToolkitException naming the checkpoint if it rejects them. */
    void restoreWeights(Model model) {
        if (checkpoint != null) {
            LOG.debug("Resuming '{}' after epoch {}", file, checkpoint.epoch());
            SavedModel.loadWeights(model, checkpoint.modelState(), file);
        }
    }

    /** Loads the saved optimizer state into {@code trainer}; throws ToolkitException naming the checkpoint. */
    void restoreOptimizer(Trainer trainer, String trainerName) {
        if (checkpoint == null) {
            return;
        }
        try {
            trainer.loadOptimizerState(checkpoint.optimizerState());
        } catch (ToolkitException | IllegalArgumentException e) {
            throw new ToolkitException(
                    file + ": the trainer '" + trainerName + "' rejects this checkpoint's optimizer state: "
                            + e.getMessage(),
                    e);
        }
    }

    /** Puts the saved history and best epoch into {@code state}; returns the number of epochs already done. */
    int restoreProgress(EngineState state) {
        if (checkpoint == null) {
            return 0;
        }
        state.restoreHistory(checkpoint.history());
        state.best(checkpoint.bestEpoch(), checkpoint.bestValidLoss());
        return checkpoint.epoch();
    }

    /** The best weights so far: the checkpoint's, or none for a new run. */
    Map<String, Tensor> bestWeights() {
        return checkpoint == null ? Map.of() : checkpoint.bestWeights();
    }
}
