package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.data.DataFingerprint;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.engine.BatchLoader;
import org.mltoolkit.core.engine.DataSplit;
import org.mltoolkit.core.engine.EngineState;
import org.mltoolkit.core.engine.EvaluationMetrics;
import org.mltoolkit.core.engine.Evaluator;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.engine.EventHandler;
import org.mltoolkit.core.engine.NonFiniteLossException;
import org.mltoolkit.core.engine.ParallelExamples;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run, configured with {@link #builder()}: the reference's trainer (seeded split, Adam, running
 * averages, validation after each epoch, best checkpoint by validation loss, best weights restored and tested at
 * the end) plus resume, early stopping, learning-rate schedules and a run directory.
 *
 * <pre>{@code
 * TrainingResult result = TrainingRun.builder()
 *         .lookup(extensions)            // e.g. new StaticExtensions(datasets, models, trainers)
 *         .data(splits)                  // or .dataset("mnist").datasetLoader(DatasetLoader.fromDirectory(dir))
 *         .model("fc")
 *         .epochs(3)
 *         .runDir(Path.of("runs/fc"))
 *         .build()
 *         .run();
 * }</pre>
 *
 * The parts: {@link TrainingRunBuilder} (settings, defaults, checks), {@link ResumePlan} (what a resumed run takes
 * over), {@link RunDirectoryPolicy} (where the files go), {@link TrainingLoop} (the engine and its handlers),
 * {@link CheckpointPolicy} (best and last checkpoints) and {@link RunSummary} (the result and {@code summary.json});
 * what is measured is {@link MetricSet}'s.
 */
public final class TrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final ExtensionLookup lookup;
    private final DatasetSplits data;
    private final DatasetLoader datasetLoader;
    private TrainingConfig config;
    private final ResumePlan resume;
    /** The later epochs a resume from an older checkpoint sets aside, or null. */
    private final ResumePlan.Rewind rewind;

    private final boolean allowDataChange;
    private final List<Map.Entry<Event, EventHandler>> handlers;
    private final MetricSet metrics;
    private final List<java.util.function.Consumer<Model>> modelListeners;
    private boolean started;

    TrainingRun(TrainingRunBuilder settings, TrainingConfig config, ResumePlan resume, ResumePlan.Rewind rewind) {
        this.lookup = settings.lookup;
        this.data = settings.data;
        this.datasetLoader = settings.datasetLoader;
        this.config = config;
        this.resume = resume;
        this.rewind = rewind;
        this.allowDataChange = settings.allowDataChange;
        this.handlers = List.copyOf(settings.handlers);
        this.metrics = settings.metrics != null ? settings.metrics : MetricSet.standard();
        this.modelListeners = List.copyOf(settings.modelListeners);
    }

    public static TrainingRunBuilder builder() {
        return new TrainingRunBuilder();
    }

    /**
     * The validated configuration this run will use and write to {@code config.json}. Once the run has loaded its
     * data, the dataset options in it are those the dataset reported (defaults it chose from the data filled in).
     */
    public TrainingConfig config() {
        return config;
    }

    /** The checkpoint this run resumes, or null. */
    public Checkpoint resumedCheckpoint() {
        return resume.checkpoint();
    }

    /**
     * Loads the data (a resume refuses other data than its checkpoint recorded, unless allowed), builds the model and
     * trainer (restoring them when resuming), sets aside the later epochs of a run resumed from an older checkpoint
     * (when allowed), trains the remaining epochs,
     * restores the best weights and evaluates them on the test split. Writes the run directory as it goes. Throws
     * ToolkitException (or a subtype such as {@link NonFiniteLossException}) with a one-line message on any
     * failure; checkpoints already written stay intact. A run runs once: a second call throws
     * IllegalStateException.
     */
    public TrainingResult run() {
        if (started) {
            throw new IllegalStateException("this training run has already run; build another one");
        }
        started = true;
        DatasetSplits splits = loadCheckedData();
        ModelProvider modelProvider = lookup.model(config.model());
        TrainerProvider trainerProvider = trainerFor(modelProvider);
        ModelSpec spec = resume.modelSpec(splits, config);
        DataSplit split = DataSplit.of(splits.train(), config.trainRatio(), config.seed(), config.limit());
        var layout = modelProvider.inputLayout();
        Augmentation augmentation = Augmentation.parse(config.augment());
        BatchLoader allTrainBatches = new BatchLoader(
                splits.train(), split.train(), config.batchSize(), true, config.seed(), layout, augmentation);
        BatchLoader validBatches =
                new BatchLoader(splits.train(), split.valid(), config.batchSize(), false, config.seed(), layout);
        BatchLoader testBatches = BatchLoader.sequential(splits.test(), config.batchSize(), layout);
        RunDirectory directory = new RunDirectory(Path.of(config.runDir()));
        LOG.debug(
                "Training '{}' with '{}' on '{}' in '{}'",
                config.model(),
                config.trainer(),
                splits.name(),
                config.runDir());

        // Augmenting a batch runs on the model's threads, which wait for the batch anyway.
        try (ParallelExamples augmentWorkers = ParallelExamples.of(augmentation.enabled() ? spec.threads() : 1);
                Model model = resume.buildModel(modelProvider, spec)) {
            BatchLoader trainBatches = withMinimumBatch(allTrainBatches.withWorkers(augmentWorkers), model);
            resume.restoreWeights(model);
            modelListeners.forEach(listener -> listener.accept(model));
            try (Trainer trainer = trainerProvider.create(model, trainerSpec())) {
                resume.restoreOptimizer(trainer, config.trainer());
                // The lock comes before the first write and the clean-up of leftovers, and lasts the whole run.
                try (RunLock lock = RunLock.acquire(directory.path())) {
                    if (rewind != null) {
                        rewind.keepAside(resume.file(), resume.checkpoint().epoch());
                    }
                    RunDirectoryPolicy.carryBestCheckpointOver(resume, Path.of(config.bestCheckpoint()));
                    directory.start(config);
                    CheckpointPolicy checkpoints =
                            new CheckpointPolicy(model, trainer, config, spec, directory, resume.bestWeights());
                    TrainingLoop loop = new TrainingLoop(
                            config,
                            model,
                            trainer,
                            metrics,
                            new Evaluator(validBatches),
                            checkpoints,
                            directory,
                            handlers);
                    EngineState state = loop.run(trainBatches, resume);

                    model.loadStateDict(checkpoints.bestWeights());
                    EvaluationMetrics test = new Evaluator(testBatches).evaluate(model);
                    TrainingResult result = RunSummary.result(
                            state, config, test, model.device(), checkpoints.bestWeights(), trainBatches.examples());
                    directory.writeSummary(RunSummary.of(result, config, splits, split, model));
                    return result;
                }
            }
        }
    }

    /**
     * The data given, or the dataset loaded with the configured options; the options it reports replace the
     * configured ones, so that what is recorded loads the same data again.
     */
    private DatasetSplits loadData() {
        if (data != null) {
            return data;
        }
        DatasetSplits splits =
                datasetLoader.load(lookup.dataset(config.dataset()), new PluginOptions(config.datasetOptions()));
        if (!splits.options().asMap().isEmpty()) {
            config = TrainingRunBuilder.withDatasetOptions(
                    config, splits.options().asMap());
        }
        return splits;
    }

    /**
     * {@code batches} with the model's minimum training batch: a last batch of an epoch that would be smaller is left
     * out (said in one warning). Throws InvalidConfigurationException when the batch size is below the minimum, and
     * ToolkitException when the training split is too small for one batch; both before anything is trained or
     * written.
     */
    private BatchLoader withMinimumBatch(BatchLoader batches, Model model) {
        int minimum = model.minTrainingBatch();
        if (minimum <= 1) {
            return batches;
        }
        if (config.batchSize() < minimum) {
            throw new InvalidConfigurationException(
                    "batchSize",
                    config.batchSize(),
                    "must be at least " + minimum + ": model '" + config.model() + "' trains on batches of at least "
                            + minimum + " examples");
        }
        BatchLoader result = batches.withMinimumBatch(minimum);
        if (result.examples() == 0) {
            throw new ToolkitException("the training split holds " + batches.examples() + " example(s), but model '"
                    + config.model() + "' trains on batches of at least " + minimum + " examples");
        }
        if (result.droppedPerEpoch() > 0) {
            LOG.warn(
                    "each epoch leaves out its last training batch ({} of {} examples): model '{}' trains on batches"
                            + " of at least {} examples",
                    result.droppedPerEpoch(),
                    batches.examples(),
                    config.model(),
                    minimum);
        }
        return result;
    }

    /**
     * The data to train on, checked against those a resumed checkpoint recorded, with their fingerprint recorded in
     * the configuration. Throws InvalidConfigurationException when a resume meets other data unless allowed.
     */
    private DatasetSplits loadCheckedData() {
        DatasetSplits splits = loadData();
        DataFingerprint fingerprint = DataFingerprint.of(splits);
        resume.checkData(splits.name(), fingerprint, allowDataChange);
        config = config.withDataFingerprint(fingerprint);
        return splits;
    }

    private TrainerProvider trainerFor(ModelProvider modelProvider) {
        TrainerProvider trainerProvider = lookup.trainer(config.trainer());
        if (!trainerProvider.supports(modelProvider.name())) {
            throw new InvalidConfigurationException(
                    "trainer", config.trainer(), "does not support the model '" + modelProvider.name() + "'");
        }
        return trainerProvider;
    }

    private TrainerSpec trainerSpec() {
        return new TrainerSpec(
                config.optimizer(), config.learningRate(), config.seed(), new PluginOptions(config.trainerOptions()));
    }
}
