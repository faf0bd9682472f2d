package org.mltoolkit.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.checkpoint.CheckpointFormatException;
import org.mltoolkit.core.data.DataFingerprint;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.EpochMetrics;
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

    /**
     * Checks that {@code loaded} is the data the resumed run trained on, as the checkpoint recorded them. Different
     * data are refused unless {@code allowChange}, when a warning says so; a checkpoint that recorded none (written
     * before fingerprints were) is resumed with a warning. Does nothing for a new run. Throws
     * InvalidConfigurationException naming the checkpoint, the dataset and both fingerprints.
     */
    void checkData(String dataset, DataFingerprint loaded, boolean allowChange) {
        if (checkpoint == null) {
            return;
        }
        DataFingerprint recorded = savedConfig().dataFingerprint();
        if (recorded == null) {
            LOG.warn(
                    "{}: the data it was trained on are not recorded (an older checkpoint); resuming on dataset '{}'"
                            + " ({}) unchecked",
                    file,
                    dataset,
                    loaded.shortText());
            return;
        }
        if (recorded.equals(loaded)) {
            return;
        }
        String difference = "dataset '" + dataset + "' (" + loaded.shortText() + ") differs from the data this run"
                + " trained on (" + recorded.shortText() + ")";
        if (!allowChange) {
            throw new InvalidConfigurationException(
                    "resumeFrom", file, difference + "; give {allowDataChange} to resume on these data anyway");
        }
        LOG.warn("{}: {}; resuming on these data as asked", file, difference);
    }

    /**
     * What resuming this checkpoint into {@code runDir} would cut: the run there went on after the checkpoint's
     * epoch (it is the run's best checkpoint, say), so its later metrics rows and its later last checkpoint would be
     * replaced. Returns null when nothing would be cut. Unless {@code allowed}, throws InvalidConfigurationException
     * naming the checkpoint, both epochs and the way out; throws ToolkitException when a file the cut would be kept
     * in already exists.
     */
    Rewind rewind(Path runDir, boolean allowed) {
        if (checkpoint == null) {
            return null;
        }
        RunDirectory directory = new RunDirectory(runDir);
        List<EpochMetrics> later;
        try {
            later = directory.readMetrics().stream()
                    .filter(row -> row.epoch() > checkpoint.epoch())
                    .toList();
        } catch (ToolkitException e) {
            LOG.debug("Not looking for later epochs in '{}': {}", directory.metrics(), e.getMessage());
            later = List.of();
        }
        int lastEpoch = later.stream().mapToInt(EpochMetrics::epoch).max().orElse(checkpoint.epoch());
        Path last = directory.lastCheckpoint();
        boolean laterLast = false;
        if (Files.isRegularFile(last) && !sameFile(last, file)) {
            try {
                int epoch = CheckpointFile.read(last).epoch();
                laterLast = epoch > checkpoint.epoch();
                lastEpoch = Math.max(lastEpoch, epoch);
            } catch (CheckpointFormatException e) {
                LOG.debug("Not comparing with '{}': {}", last, e.getMessage());
            }
        }
        if (lastEpoch <= checkpoint.epoch()) {
            return null;
        }
        if (!allowed) {
            throw new InvalidConfigurationException(
                    "resumeFrom",
                    file,
                    "is epoch " + checkpoint.epoch() + " of a run that went on to epoch " + lastEpoch + " in "
                            + runDir + "; resuming it there would rewind " + RunDirectory.METRICS + " and replace "
                            + RunDirectory.LAST_CHECKPOINT + ": resume " + last + ", give another {runDir}, or"
                            + " {fromBest} to keep the later epochs aside and go on from this one");
        }
        Rewind rewind = new Rewind(
                directory,
                later,
                laterLast ? last : null,
                runDir.resolve("metrics.epochs-" + (checkpoint.epoch() + 1) + "-" + lastEpoch + ".jsonl"),
                runDir.resolve("last.epoch-" + lastEpoch + ".ckpt"));
        for (Path kept : List.of(rewind.keptMetrics(), rewind.keptLast())) {
            if (Files.exists(kept)) {
                throw new ToolkitException(file + ": resuming it would keep the later epochs in " + kept
                        + ", which exists already; move it away first");
            }
        }
        return rewind;
    }

    /**
     * The later epochs a resume from an older checkpoint sets aside: {@code laterRows} go to {@code keptMetrics},
     * the later last checkpoint (null when none) is renamed {@code keptLast}.
     */
    record Rewind(
            RunDirectory directory, List<EpochMetrics> laterRows, Path laterLast, Path keptMetrics, Path keptLast) {
        /**
         * Moves the later epochs aside and says what it moved in a warning. Throws ToolkitException naming the file
         * that cannot be written or moved; the run's own files are then as they were.
         */
        void keepAside(Path checkpointFile, int epoch) {
            StringBuilder rows = new StringBuilder();
            for (EpochMetrics row : laterRows) {
                rows.append(RunJson.line(row)).append('\n');
            }
            if (!laterRows.isEmpty()) {
                AtomicFiles.writeString(keptMetrics, rows.toString());
            }
            if (laterLast != null) {
                try {
                    Files.move(laterLast, keptLast, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new ToolkitException("cannot move " + laterLast + " to " + keptLast + ": " + e, e);
                }
            }
            LOG.warn(
                    "Resuming {} at epoch {}: the run's later epochs are kept aside ({}{})",
                    checkpointFile,
                    epoch,
                    laterRows.isEmpty()
                            ? ""
                            : "metrics of epochs " + laterRows.get(0).epoch() + "-"
                                    + laterRows.get(laterRows.size() - 1).epoch() + " in " + keptMetrics,
                    laterLast == null ? "" : (laterRows.isEmpty() ? "" : ", ") + "last checkpoint in " + keptLast);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Builds the run's model: a new run's as {@code spec} says, a resumed run's only once the parameters {@code spec}
     * declares are found to fit in the saved weights ({@link SavedModel#build}). The caller closes it.
     */
    Model buildModel(ModelProvider provider, ModelSpec spec) {
        return checkpoint == null
                ? provider.create(spec)
                : SavedModel.build(provider, spec, checkpoint.modelState(), file);
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
