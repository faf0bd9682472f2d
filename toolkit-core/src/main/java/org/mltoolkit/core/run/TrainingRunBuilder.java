package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.engine.EventHandler;
import org.mltoolkit.core.engine.LearningRateSchedule;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.plugins.ExtensionLookup;

/**
 * The settings of a {@link TrainingRun}, each with its default and its check; made by {@link TrainingRun#builder()}.
 * Every setting is optional except the lookup, the model and the data (the last two come from the checkpoint when
 * resuming). {@link #build()} checks the settings, reconciles them with the checkpoint to resume ({@link ResumePlan}),
 * places the run's files ({@link RunDirectoryPolicy}) and fixes the outcome in one {@link TrainingConfig}.
 */
public final class TrainingRunBuilder {
    public static final int DEFAULT_BATCH_SIZE = 256;
    public static final int DEFAULT_EPOCHS = 20;
    public static final double DEFAULT_TRAIN_RATIO = 0.8;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final String DEFAULT_OPTIMIZER = "adam";
    public static final long DEFAULT_SEED = 42;
    /**
     * Cosine annealing over the run's epochs: measured better than the reference's constant rate on both reference
     * networks (fc 98.48% against 98.08%, cnn 99.40% against 99.21% on MNIST, seed 42). {@code none} gives the
     * reference's constant rate.
     */
    public static final String DEFAULT_LR_SCHEDULE = "cosine";

    public static final double DEFAULT_MIN_DELTA = 0.0;
    public static final String DEFAULT_DEVICE = "auto";

    // Read by ResumePlan, which reconciles them with a checkpoint's settings.
    ExtensionLookup lookup;
    DatasetSplits data;
    String dataset;
    Map<String, String> datasetOptions;
    DatasetLoader datasetLoader;
    String model;
    String trainer;
    String optimizer;
    Double learningRate;
    Integer batchSize;
    Integer epochs;
    Double trainRatio;
    Long seed;
    Integer limit;
    String device;
    Integer threads;
    Map<String, String> modelOptions;
    Map<String, String> trainerOptions;
    String lrSchedule;
    String augment;
    Integer patience;
    Double minDelta;
    Path runDir;
    Path bestCheckpoint;
    Map<String, String> plugins;
    Path resumeFrom;
    boolean overwrite;
    boolean allowDataChange;
    boolean fromBest;
    final List<Map.Entry<Event, EventHandler>> handlers = new ArrayList<>();
    MetricSet metrics;
    final List<Consumer<Model>> modelListeners = new ArrayList<>();

    TrainingRunBuilder() {}

    /** Where datasets, models and trainers are found by name (required). */
    public TrainingRunBuilder lookup(ExtensionLookup value) {
        lookup = value;
        return this;
    }

    /** The data itself; its name is the dataset's name. Replaces {@link #dataset(String)}. */
    public TrainingRunBuilder data(DatasetSplits value) {
        data = value;
        return this;
    }

    /** A dataset to find through the lookup and load with {@link #datasetLoader(DatasetLoader)}. */
    public TrainingRunBuilder dataset(String name) {
        dataset = name;
        return this;
    }

    /**
     * Options for the named dataset ({@code path=DIR} for {@code images}); a dataset refuses keys it does not know
     * when it loads. For a resumed run they replace the saved values of their keys.
     */
    public TrainingRunBuilder datasetOptions(Map<String, String> value) {
        datasetOptions = Map.copyOf(value);
        return this;
    }

    /** How to make the named dataset available and load it. */
    public TrainingRunBuilder datasetLoader(DatasetLoader value) {
        datasetLoader = value;
        return this;
    }

    public TrainingRunBuilder model(String name) {
        model = name;
        return this;
    }

    /** The trainer; the model's default trainer when unset. */
    public TrainingRunBuilder trainer(String name) {
        trainer = name;
        return this;
    }

    public TrainingRunBuilder optimizer(String name) {
        optimizer = name;
        return this;
    }

    public TrainingRunBuilder learningRate(double value) {
        learningRate = value;
        return this;
    }

    public TrainingRunBuilder batchSize(int value) {
        batchSize = value;
        return this;
    }

    /** The total number of epochs; after a resume it counts the epochs already done. */
    public TrainingRunBuilder epochs(int value) {
        epochs = value;
        return this;
    }

    public TrainingRunBuilder trainRatio(double value) {
        trainRatio = value;
        return this;
    }

    public TrainingRunBuilder seed(long value) {
        seed = value;
        return this;
    }

    /** Use only the first {@code value} shuffled training examples; 0 uses all. */
    public TrainingRunBuilder limit(int value) {
        limit = value;
        return this;
    }

    /** {@code cpu}, {@code cuda:N} or {@code auto}. */
    public TrainingRunBuilder device(String value) {
        device = value;
        return this;
    }

    public TrainingRunBuilder threads(int value) {
        threads = value;
        return this;
    }

    public TrainingRunBuilder modelOptions(Map<String, String> value) {
        modelOptions = Map.copyOf(value);
        return this;
    }

    public TrainingRunBuilder trainerOptions(Map<String, String> value) {
        trainerOptions = Map.copyOf(value);
        return this;
    }

    /** {@code none}, {@code step[:EVERY[:GAMMA]]} or {@code cosine[:MIN]}. */
    public TrainingRunBuilder lrSchedule(String value) {
        lrSchedule = value;
        return this;
    }

    /**
     * Random affine transforms of the training images, as {@link Augmentation#parse(String)} reads them: {@code
     * none} (the default), {@code default} or {@code rotate=DEGREES,shift=PIXELS,scale=MIN:MAX}. Validation and test
     * images are never transformed.
     */
    public TrainingRunBuilder augment(String spec) {
        augment = spec;
        return this;
    }

    /** Stop after this many epochs without improvement; 0 never stops early. */
    public TrainingRunBuilder patience(int value) {
        patience = value;
        return this;
    }

    public TrainingRunBuilder minDelta(double value) {
        minDelta = value;
        return this;
    }

    /** The run directory; by default {@code runs/<model>-<date>-<time>} under the working directory. */
    public TrainingRunBuilder runDir(Path value) {
        runDir = value;
        return this;
    }

    /** The best checkpoint's file; by default {@code best.ckpt} in the run directory. */
    public TrainingRunBuilder bestCheckpoint(Path value) {
        bestCheckpoint = value;
        return this;
    }

    /**
     * Ids and versions of the plugins in use, recorded in the configuration and checkpoints. By default they are
     * those the lookup reports ({@link ExtensionLookup#pluginOf(Object)}) for the dataset, model and trainer.
     */
    public TrainingRunBuilder plugins(Map<String, String> value) {
        plugins = Map.copyOf(value);
        return this;
    }

    /** Continue the run saved in {@code checkpoint}; its settings apply unless overridden where allowed. */
    public TrainingRunBuilder resumeFrom(Path checkpoint) {
        resumeFrom = checkpoint;
        return this;
    }

    /**
     * Lets a resumed run go on when its data differ from those the checkpoint recorded ({@link
     * org.mltoolkit.core.data.DataFingerprint}); it then says so in a warning and records the new data's
     * fingerprint. Without it such a resume is refused before anything is written.
     */
    public TrainingRunBuilder allowDataChange(boolean value) {
        allowDataChange = value;
        return this;
    }

    /**
     * Lets a run resume from a checkpoint older than the run it belongs to (its {@code best.ckpt} while its
     * {@code metrics.jsonl} or {@code last.ckpt} went on): the later epochs' metrics rows are moved to {@code
     * metrics.epochs-A-B.jsonl} and the later last checkpoint to {@code last.epoch-B.ckpt} in the run directory,
     * and a warning says so. Without it such a resume is refused before anything is written.
     */
    public TrainingRunBuilder fromBest(boolean value) {
        fromBest = value;
        return this;
    }

    /**
     * Allows a new run to replace the files of another run in its run directory. Without it, a run directory that
     * already holds a {@code last.ckpt} (other than the one being resumed) is refused.
     */
    public TrainingRunBuilder overwrite(boolean value) {
        overwrite = value;
        return this;
    }

    /**
     * Attaches a handler to the engine, after the run's own handlers for the same event. The run validates after
     * every handler of {@link Event#EPOCH_COMPLETED}, so a handler there sees the epoch's final training metrics
     * before the validation pass; at {@link Event#VALIDATION_COMPLETED} the epoch is recorded, the checkpoints are
     * written and the best loss includes it. This is how a console, a log or a chart follows a run: the core itself
     * prints nothing.
     */
    public TrainingRunBuilder on(Event event, EventHandler handler) {
        handlers.add(Map.entry(Objects.requireNonNull(event, "event"), Objects.requireNonNull(handler, "handler")));
        return this;
    }

    /**
     * The metrics to record; {@link MetricSet#standard()} by default. Give {@code MetricSet.standard().with(...)} to
     * record more: they appear in {@code metrics.jsonl}, the checkpoints' histories and a console's lines. The set
     * belongs to this run while it runs.
     */
    public TrainingRunBuilder metrics(MetricSet value) {
        metrics = Objects.requireNonNull(value, "metrics");
        return this;
    }

    /**
     * Calls {@code listener} once with the run's model when it is built (and, on a resume, holds the saved weights),
     * before the first epoch, for example to show {@link Model#description()}. The listener must not keep or close
     * the model; what it throws ends the run.
     */
    public TrainingRunBuilder onModelReady(Consumer<Model> listener) {
        modelListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Checks the settings and returns the run. Throws InvalidConfigurationException naming the first bad setting
     * and its value (a checkpoint to resume whose run went on after it, unless {@link #fromBest(boolean)}),
     * UnknownExtensionException for an unknown model or trainer, and CheckpointFormatException for an unreadable or
     * inconsistent checkpoint to resume. Nothing is written yet.
     */
    public TrainingRun build() {
        if (lookup == null) {
            throw new InvalidConfigurationException("lookup", null, "is required");
        }
        checkRanges();
        ResumePlan resume = resumeFrom == null ? ResumePlan.none() : ResumePlan.read(resumeFrom);
        TrainingConfig saved = resume.reconcile(this);
        String modelName = saved != null ? saved.model() : requiredModel();
        String datasetName = saved != null ? saved.dataset() : datasetName();
        String trainerName = saved != null
                ? saved.trainer()
                : trainer != null ? trainer : lookup.model(modelName).defaultTrainer();
        RunDirectoryPolicy policy = new RunDirectoryPolicy(overwrite);
        RunDirectoryPolicy.Placement place = saved != null
                ? policy.placeResumedRun(runDir, bestCheckpoint, resumeFrom)
                : policy.placeNewRun(runDir, bestCheckpoint, modelName);
        Map<String, String> pluginVersions = plugins != null
                ? plugins
                : RunSummary.pluginVersions(lookup, data == null ? datasetName : null, modelName, trainerName);
        if (saved != null) {
            SavedModel.warnOnPluginVersionChanges(resume.checkpoint().plugins(), pluginVersions, resumeFrom);
        }
        ResumePlan.Rewind rewind = resume.rewind(place.runDir(), fromBest);
        TrainingConfig config =
                config(saved, datasetName, datasetOptions(saved), modelName, trainerName, place, pluginVersions);
        return new TrainingRun(this, config, resume, rewind);
    }

    /**
     * {@code config} with the dataset options the dataset reported when the run loaded it (its defaults filled in),
     * assembled like every configuration: all else as {@code config} has it.
     */
    static TrainingConfig withDatasetOptions(TrainingConfig config, Map<String, String> options) {
        return new TrainingRunBuilder()
                .config(
                        config,
                        config.dataset(),
                        options,
                        config.model(),
                        config.trainer(),
                        new RunDirectoryPolicy.Placement(Path.of(config.runDir()), Path.of(config.bestCheckpoint())),
                        config.plugins())
                .withDataFingerprint(config.dataFingerprint());
    }

    /**
     * The one place a configuration is assembled: every setting as given, else as the resumed run had it ({@code
     * saved}), else its default. The names, dataset options and places are resolved by the caller.
     */
    private TrainingConfig config(
            TrainingConfig saved,
            String datasetName,
            Map<String, String> datasetOptions,
            String modelName,
            String trainerName,
            RunDirectoryPolicy.Placement place,
            Map<String, String> pluginVersions) {
        Setting from = new Setting(saved);
        double rate = from.given(learningRate, DEFAULT_LEARNING_RATE, TrainingConfig::learningRate);
        LearningRateSchedule schedule =
                LearningRateSchedule.parse(from.given(lrSchedule, DEFAULT_LR_SCHEDULE, TrainingConfig::lrSchedule));
        checkScheduleFloor(schedule, rate);
        return new TrainingConfig(
                datasetName,
                datasetOptions,
                modelName,
                trainerName,
                from.given(optimizer, DEFAULT_OPTIMIZER, TrainingConfig::optimizer),
                rate,
                from.given(batchSize, DEFAULT_BATCH_SIZE, TrainingConfig::batchSize),
                from.given(epochs, DEFAULT_EPOCHS, TrainingConfig::epochs),
                from.given(trainRatio, DEFAULT_TRAIN_RATIO, TrainingConfig::trainRatio),
                from.given(seed, DEFAULT_SEED, TrainingConfig::seed),
                from.given(limit, 0, TrainingConfig::limit),
                Device.parse(from.given(device, DEFAULT_DEVICE, TrainingConfig::device))
                        .toString(),
                threads != null
                        ? threads
                        : saved != null
                                ? ComputeThreads.fromCheckpoint(saved.threads(), resumeFrom)
                                : ComputeThreads.byDefault(),
                from.given(modelOptions, Map.of(), TrainingConfig::modelOptions),
                from.given(trainerOptions, Map.of(), TrainingConfig::trainerOptions),
                schedule.spec(),
                Augmentation.parse(from.given(augment, Augmentation.NONE.spec(), TrainingConfig::augment))
                        .spec(),
                from.given(patience, 0, TrainingConfig::patience),
                from.given(minDelta, DEFAULT_MIN_DELTA, TrainingConfig::minDelta),
                place.runDir().toString(),
                place.bestCheckpoint().toString(),
                pluginVersions,
                saved != null ? saved.dataFingerprint() : null);
    }

    /**
     * The dataset options: a new run's as given; a resumed run's as saved, with those given replacing the saved
     * values of their keys (the data moved, say: {@code path=NEW}). Whatever they load must fit the saved model.
     */
    private Map<String, String> datasetOptions(TrainingConfig saved) {
        Map<String, String> options = new java.util.TreeMap<>(saved != null ? saved.datasetOptions() : Map.of());
        if (datasetOptions != null) {
            options.putAll(datasetOptions);
        }
        return options;
    }

    /** Picks a setting's value: as given, else as {@code saved} has it (when resuming), else the default. */
    private record Setting(TrainingConfig saved) {
        <T> T given(T given, T defaultValue, Function<TrainingConfig, T> savedValue) {
            if (given != null) {
                return given;
            }
            return saved != null ? savedValue.apply(saved) : defaultValue;
        }
    }

    private String requiredModel() {
        if (model == null) {
            throw new InvalidConfigurationException("model", null, "is required");
        }
        return model;
    }

    private String datasetName() {
        if (data != null) {
            if (dataset != null && !dataset.equals(data.name())) {
                throw new InvalidConfigurationException(
                        "dataset", dataset, "differs from the name of the data given, '" + data.name() + "'");
            }
            return data.name();
        }
        if (dataset == null) {
            throw new InvalidConfigurationException("dataset", null, "is required (or give the data itself)");
        }
        if (datasetLoader == null) {
            throw new InvalidConfigurationException(
                    "datasetLoader", null, "is required to load dataset '" + dataset + "'");
        }
        return dataset;
    }

    /**
     * Checks the settings recorded in a checkpoint as {@link #build()} checks those given: throws
     * InvalidConfigurationException naming the first bad one. The threads are not checked here: a recorded number is
     * lowered to the bound ({@link ComputeThreads#fromCheckpoint(int, Path)}).
     */
    static void checkRecorded(TrainingConfig recorded) {
        if (recorded.lrSchedule() == null) {
            throw new InvalidConfigurationException("lrSchedule", null, "is missing");
        }
        TrainingRunBuilder settings = new TrainingRunBuilder();
        settings.optimizer = recorded.optimizer();
        settings.learningRate = recorded.learningRate();
        settings.batchSize = recorded.batchSize();
        settings.epochs = recorded.epochs();
        settings.trainRatio = recorded.trainRatio();
        settings.limit = recorded.limit();
        settings.device = recorded.device();
        settings.lrSchedule = recorded.lrSchedule();
        settings.augment = recorded.augment();
        settings.patience = recorded.patience();
        settings.minDelta = recorded.minDelta();
        settings.checkRanges();
        checkScheduleFloor(LearningRateSchedule.parse(recorded.lrSchedule()), recorded.learningRate());
    }

    /**
     * Throws InvalidConfigurationException naming {@code lrSchedule} when a cosine schedule's minimum rate exceeds
     * the starting rate, so that the rate would climb over the run instead of falling.
     */
    private static void checkScheduleFloor(LearningRateSchedule schedule, double learningRate) {
        if (schedule instanceof LearningRateSchedule.Cosine cosine && cosine.min() > learningRate) {
            throw new InvalidConfigurationException(
                    "lrSchedule",
                    schedule.spec(),
                    "the minimum rate " + cosine.min() + " exceeds the starting rate " + learningRate
                            + " ({learningRate}); a cosine schedule falls from the starting rate to its minimum");
        }
    }

    private void checkRanges() {
        if (batchSize != null && batchSize < 1) {
            throw new InvalidConfigurationException("batchSize", batchSize, "must be at least 1");
        }
        if (epochs != null && epochs < 1) {
            throw new InvalidConfigurationException("epochs", epochs, "must be at least 1");
        }
        if (trainRatio != null && !(trainRatio > 0 && trainRatio < 1)) {
            throw new InvalidConfigurationException("trainRatio", trainRatio, "must lie strictly between 0 and 1");
        }
        if (learningRate != null && (!(learningRate > 0) || Double.isInfinite(learningRate))) {
            throw new InvalidConfigurationException("learningRate", learningRate, "must be a positive number");
        }
        if (limit != null && limit < 0) {
            throw new InvalidConfigurationException("limit", limit, "must be 0 (no limit) or positive");
        }
        ComputeThreads.checkGiven(threads);
        if (patience != null && patience < 0) {
            throw new InvalidConfigurationException("patience", patience, "must be 0 (off) or positive");
        }
        if (minDelta != null && (!(minDelta >= 0) || Double.isInfinite(minDelta))) {
            throw new InvalidConfigurationException("minDelta", minDelta, "must be a number >= 0");
        }
        if (optimizer != null && optimizer.isBlank()) {
            throw new InvalidConfigurationException("optimizer", optimizer, "must not be empty");
        }
        if (lrSchedule != null) {
            LearningRateSchedule.parse(lrSchedule);
        }
        if (device != null) {
            Device.parse(device);
        }
        if (augment != null) {
            Augmentation.parse(augment);
        }
    }
}
