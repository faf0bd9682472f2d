package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.EvaluationReporter;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ScoredExamples;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.data.DataFingerprint;
import org.mltoolkit.core.engine.BatchLoader;
import org.mltoolkit.core.engine.EvaluationMetrics;
import org.mltoolkit.core.engine.Evaluator;
import org.mltoolkit.core.engine.Predictions;
import org.mltoolkit.core.ensemble.Ensemble;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.plugins.ExtensionLookup;

/**
 * Evaluates a checkpoint on a test split: reads the file, rebuilds the model it names through the lookup from
 * the saved {@link ModelSpec}, loads the saved weights (those of the checkpoint's own epoch; for a best
 * checkpoint, the best weights) and computes the exact mean NLL and accuracy. An ensemble file ({@link
 * EnsembleFile}) in place of the checkpoint is evaluated as one model, {@link Ensemble}.
 *
 * <pre>{@code
 * EvaluationResult r = Evaluation.builder()
 *         .lookup(extensions)
 *         .checkpoint(Path.of("runs/fc/best.ckpt"))
 *         .datasetLoader(DatasetLoader.fromDirectory(dataDir))
 *         .build()
 *         .run();
 * }</pre>
 */
public final class Evaluation {
    private final Builder settings;
    private final Checkpoint checkpoint;
    /** The members when the file is an ensemble ({@code checkpoint} is then the first's), else null. */
    private final List<EnsembleFile.Member> ensemble;

    private Evaluation(Builder settings, Checkpoint checkpoint, List<EnsembleFile.Member> ensemble) {
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.ensemble = ensemble;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The checkpoint as read by {@link Builder#build()} (for an ensemble file, its first member's), or null when a
     * fresh model is evaluated.
     */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** Whether the file evaluated is an ensemble ({@link EnsembleFile}). */
    public boolean isEnsemble() {
        return ensemble != null;
    }

    /**
     * Loads the data, rebuilds the model and evaluates it. Throws ToolkitException naming the checkpoint when
     * the dataset does not fit the model or the model rejects the saved weights.
     */
    public EvaluationResult run() {
        Path file = settings.checkpoint;
        DatasetSplits splits = testData();
        int batchSize = batchSize();
        String modelName =
                ensemble != null ? Ensemble.NAME : checkpoint != null ? checkpoint.modelName() : settings.model;
        // An ensemble hands each member the layout it asks for; both layouts share one memory order.
        InputLayout layout = ensemble != null
                ? InputLayout.FLAT
                : settings.lookup.model(modelName).inputLayout();
        try (Model model = ensemble != null
                ? Ensemble.open(settings.lookup, ensemble, file, settings.device, settings.threads)
                : checkpoint != null
                        ? openModel(settings.lookup, checkpoint, file, settings.device, settings.threads)
                        : settings.lookup
                                .model(modelName)
                                .create(new ModelSpec(
                                        splits.test().shape(),
                                        splits.classNames().size(),
                                        0,
                                        Device.parse(settings.device != null ? settings.device : "auto"),
                                        settings.threads != null ? settings.threads : ComputeThreads.byDefault(),
                                        new PluginOptions(settings.modelOptions)))) {
            Predictions predictions = new Evaluator(BatchLoader.sequential(splits.test(), batchSize, layout))
                    .predict(model, splits.classNames());
            Optional<ClassificationReport> report =
                    settings.evaluationReport && model instanceof EvaluationReporter reporter
                            ? Optional.of(reporter.evaluationReport(new ScoredExamples(
                                    splits.name() + " test split",
                                    splits.classNames(),
                                    splits.test().labels(),
                                    predictions.logProbabilities())))
                            : Optional.empty();
            return new EvaluationResult(
                    file,
                    modelName,
                    splits.name(),
                    checkpoint != null && ensemble == null ? checkpoint.epoch() : 0,
                    predictions.metrics(),
                    model.device(),
                    predictions,
                    splits.test(),
                    report,
                    model.description(),
                    DataFingerprint.digest(splits.test()),
                    trainedTestDigest(file));
        }
    }

    /**
     * Evaluates each member of the ensemble on its own, on the same test split as {@link #run()}: the figures an
     * ensemble is measured against. Returns their metrics in member order. Throws IllegalStateException when the
     * file is not an ensemble, and ToolkitException as {@link #run()} does.
     */
    public List<EvaluationMetrics> runMembers() {
        if (ensemble == null) {
            throw new IllegalStateException(settings.checkpoint + " is not an ensemble");
        }
        DatasetSplits splits = testData();
        List<EvaluationMetrics> metrics = new ArrayList<>();
        for (EnsembleFile.Member m : ensemble) {
            Path where = Path.of(settings.checkpoint + "#" + m.name());
            InputLayout layout =
                    settings.lookup.model(m.checkpoint().modelName()).inputLayout();
            try (Model model = openModel(settings.lookup, m.checkpoint(), where, settings.device, settings.threads)) {
                metrics.add(new Evaluator(BatchLoader.sequential(splits.test(), batchSize(), layout)).evaluate(model));
            }
        }
        return metrics;
    }

    /** The data to test on, loaded unless given; checked against the checkpoint's model when there is one. */
    private DatasetSplits testData() {
        Path file = settings.checkpoint;
        String datasetName = settings.data != null
                ? settings.data.name()
                : settings.dataset != null ? settings.dataset : checkpoint.datasetName();
        DatasetSplits splits = settings.data != null
                ? settings.data
                : settings.datasetLoader.load(settings.lookup.dataset(datasetName), datasetOptions(datasetName, file));
        if (checkpoint != null) {
            SavedModel.requireFits(checkpoint.modelSpec(), splits, splits.test(), file);
        }
        return splits;
    }

    private int batchSize() {
        return settings.batchSize != null ? settings.batchSize : TrainingRunBuilder.DEFAULT_BATCH_SIZE;
    }

    /**
     * The options to load {@code datasetName} with: for the checkpoint's own dataset, those its run recorded, with
     * the options given replacing the values of their keys (another folder of images, say); for another dataset, or
     * a pretrained network without a checkpoint, those given. Throws ToolkitException naming the file when its
     * configuration is unreadable.
     */
    private PluginOptions datasetOptions(String datasetName, Path file) {
        Map<String, String> options = new TreeMap<>();
        if (checkpoint != null && datasetName.equals(checkpoint.datasetName())) {
            options.putAll(savedConfig(file).datasetOptions());
        }
        options.putAll(settings.datasetOptions);
        return new PluginOptions(options);
    }

    /**
     * The digest of the test split the checkpoint's run recorded, or null when there is no checkpoint or it recorded
     * none. Throws ToolkitException naming the file when its configuration is unreadable.
     */
    private String trainedTestDigest(Path file) {
        if (checkpoint == null) {
            return null;
        }
        DataFingerprint recorded = savedConfig(file).dataFingerprint();
        return recorded == null ? null : recorded.test();
    }

    /** The checkpoint's run configuration; throws ToolkitException naming {@code file} when it is unreadable. */
    private TrainingConfig savedConfig(Path file) {
        try {
            return TrainingConfig.fromJson(checkpoint.configJson());
        } catch (ToolkitException e) {
            throw new ToolkitException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the checkpoint's model through its plugin from the saved {@link ModelSpec} and loads the saved
     * weights. {@code device} and {@code threads} override the saved ones when not null. The caller closes the
     * model. Throws ToolkitException naming the file when no plugin provides the model, when the saved options declare
     * more parameters than the saved weights hold (before building), or when the model rejects the weights.
     */
    public static Model openModel(
            ExtensionLookup lookup, Checkpoint checkpoint, Path file, String device, Integer threads) {
        ModelSpec saved = checkpoint.modelSpec();
        ModelSpec spec = new ModelSpec(
                saved.inputShape(),
                saved.numClasses(),
                saved.seed(),
                device != null ? Device.parse(device) : saved.device(),
                threads != null ? threads : ComputeThreads.fromCheckpoint(saved.threads(), file),
                saved.options());
        ModelProvider provider = lookup.model(checkpoint.modelName());
        SavedModel.warnOnPluginVersionChanges(
                checkpoint.plugins(), RunSummary.pluginVersions(lookup, null, checkpoint.modelName(), null), file);
        Model model = SavedModel.build(provider, spec, checkpoint.modelState(), file);
        try {
            SavedModel.loadWeights(model, checkpoint.modelState(), file);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Settings of an evaluation; {@link #build()} validates them and reads the checkpoint. */
    public static final class Builder {
        private ExtensionLookup lookup;
        private Path checkpoint;
        private String model;
        private String dataset;
        private Map<String, String> datasetOptions = Map.of();
        private DatasetSplits data;
        private DatasetLoader datasetLoader;
        private String device;
        private Integer threads;
        private Integer batchSize;
        private java.util.Map<String, String> modelOptions;
        private boolean evaluationReport = true;

        private Builder() {}

        /**
         * Whether a model that scores itself ({@link EvaluationReporter}, such as Tribuo's) is asked for its
         * report (default true). Turn it off for data whose labels mean nothing, such as pictures to classify.
         */
        public Builder evaluationReport(boolean value) {
            evaluationReport = value;
            return this;
        }

        /**
         * Evaluates a fresh model instead of a checkpoint: the model {@link #model(String)} names, built for the
         * dataset's examples from these options (for example the {@code onnx} model of a pretrained network file).
         */
        public Builder modelOptions(java.util.Map<String, String> options) {
            modelOptions = java.util.Map.copyOf(options);
            return this;
        }

        /** Where the checkpoint's model (and the dataset, unless given as data) are found (required). */
        public Builder lookup(ExtensionLookup value) {
            lookup = value;
            return this;
        }

        /** The checkpoint file (required unless {@link #modelOptions(java.util.Map)} are given). */
        public Builder checkpoint(Path value) {
            checkpoint = value;
            return this;
        }

        /** The model the caller expects the checkpoint to hold; a different one is refused. */
        public Builder model(String name) {
            model = name;
            return this;
        }

        /** The dataset whose test split to use; the checkpoint's dataset by default. */
        /**
         * Options for the dataset. With the checkpoint's own dataset they replace the values the run recorded for
         * their keys; another dataset gets these alone.
         */
        public Builder datasetOptions(Map<String, String> value) {
            datasetOptions = Map.copyOf(value);
            return this;
        }

        public Builder dataset(String name) {
            dataset = name;
            return this;
        }

        /** The data itself, instead of a dataset found through the lookup. */
        public Builder data(DatasetSplits value) {
            data = value;
            return this;
        }

        public Builder datasetLoader(DatasetLoader value) {
            datasetLoader = value;
            return this;
        }

        /** Where to run; the device saved in the checkpoint by default. */
        public Builder device(String value) {
            device = value;
            return this;
        }

        public Builder threads(int value) {
            threads = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * Validates the settings and reads the checkpoint. Throws InvalidConfigurationException for a bad setting,
         * CheckpointFormatException for an unreadable file, and ToolkitException when the checkpoint holds a
         * different model than {@link #model(String)} names.
         */
        public Evaluation build() {
            if (lookup == null) {
                throw new InvalidConfigurationException("lookup", null, "is required");
            }
            if (checkpoint == null && modelOptions == null) {
                throw new InvalidConfigurationException("checkpoint", null, "is required");
            }
            if (checkpoint != null && modelOptions != null) {
                throw new InvalidConfigurationException(
                        "modelOptions", modelOptions, "build a fresh model: give them without a checkpoint");
            }
            if (batchSize != null && batchSize < 1) {
                throw new InvalidConfigurationException("batchSize", batchSize, "must be at least 1");
            }
            ComputeThreads.checkGiven(threads);
            if (device != null) {
                Device.parse(device);
            }
            if (data == null && datasetLoader == null) {
                throw new InvalidConfigurationException("datasetLoader", null, "is required unless the data is given");
            }
            if (checkpoint == null) {
                if (model == null) {
                    throw new InvalidConfigurationException("model", null, "is required to build a fresh model");
                }
                if (data == null && dataset == null) {
                    throw new InvalidConfigurationException("dataset", null, "is required without a checkpoint");
                }
                lookup.model(model);
                return new Evaluation(this, null, null);
            }
            if (EnsembleFile.isEnsemble(checkpoint)) {
                List<EnsembleFile.Member> members = EnsembleFile.read(checkpoint);
                if (model != null && !model.equals(Ensemble.NAME)) {
                    throw new ToolkitException(checkpoint + ": holds an ensemble, not a '" + model + "' model");
                }
                return new Evaluation(this, members.get(0).checkpoint(), members);
            }
            Checkpoint read = CheckpointFile.read(checkpoint);
            if (model != null && !model.equals(read.modelName())) {
                throw new ToolkitException(
                        checkpoint + ": holds a '" + read.modelName() + "' model, not '" + model + "'");
            }
            return new Evaluation(this, read, null);
        }
    }
}
