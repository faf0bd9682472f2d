package org.mltoolkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.run.RunDirectory;
import org.mltoolkit.core.run.TrainingResult;
import org.mltoolkit.core.run.TrainingRun;
import org.mltoolkit.core.run.TrainingRunBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code toolkit train}: the reference's {@code train.py} under Java-style option names, plus resume, early
 * stopping, learning-rate schedules and a run directory. The reference's lines go to stdout, the progress bar
 * to stderr. A setting out of range is a usage error (exit 2) naming the option ({@link OptionNames}); a failed run
 * exits 1.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a model on a dataset: seeded train/validation split, running metrics, validation "
                    + "after every epoch, best checkpoint by validation loss, best weights tested at the end.",
            "The run directory receives config.json, metrics.jsonl, best.ckpt, last.ckpt and summary.json. "
                    + "Missing data is fetched first unless --offline."
        })
public final class TrainCommand extends ToolkitSubcommand {
    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "The model to train (default: ${DEFAULT-VALUE}).",
            defaultValue = "fc")
    private String model;

    @Mixin
    private SharedOptions.Dataset dataset;

    @Mixin
    private SharedOptions.DatasetOptions datasetOptions;

    @Option(
            names = "--trainer",
            paramLabel = "NAME",
            description = "The trainer (default: the model's default trainer).")
    private String trainer;

    @Option(
            names = "--model-fn",
            paramLabel = "FILE",
            description =
                    "The best checkpoint's file (default: best.ckpt in the run directory, also after --resume: a run"
                            + " that kept it elsewhere gives it again).")
    private Path modelFn;

    @Mixin
    private SharedOptions.Compute compute;

    @Option(
            names = "--train-ratio",
            paramLabel = "RATIO",
            defaultValue = "" + TrainingRunBuilder.DEFAULT_TRAIN_RATIO,
            description = "Fraction of the training split that trains; the rest validates (default: ${DEFAULT-VALUE}).")
    private double trainRatio;

    @Mixin
    private SharedOptions.BatchSize batchSize;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "" + TrainingRunBuilder.DEFAULT_EPOCHS,
            description = "Total number of epochs, counting those before a resume (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(
            names = "--verbose",
            paramLabel = "LEVEL",
            defaultValue = "2",
            description =
                    "0 quiet, 1 two lines per epoch, 2 also progress bars for training and validation on a terminal"
                            + " (elsewhere, such as a pipe or a file, the lines only) (default: ${DEFAULT-VALUE}).")
    private int verbose;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "" + TrainingRunBuilder.DEFAULT_SEED,
            description = "Seed of the split, the shuffles and the initial weights; the same seed repeats a CPU run "
                    + "(default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--lr",
            paramLabel = "RATE",
            defaultValue = "" + TrainingRunBuilder.DEFAULT_LEARNING_RATE,
            description = "Initial learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(
            names = "--optimizer",
            paramLabel = "NAME",
            defaultValue = TrainingRunBuilder.DEFAULT_OPTIMIZER,
            description = "Optimizer, as the trainer names it (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(
            names = "--lr-schedule",
            paramLabel = "SPEC",
            defaultValue = TrainingRunBuilder.DEFAULT_LR_SCHEDULE,
            description = "none, step[:EVERY[:GAMMA]] (times GAMMA, default 0.5, every EVERY epochs, default 5) or "
                    + "cosine[:MIN] (annealed to MIN over the epochs) (default: ${DEFAULT-VALUE}).")
    private String lrSchedule;

    @Option(
            names = "--augment",
            paramLabel = "SPEC",
            arity = "0..1",
            defaultValue = "none",
            fallbackValue = "default",
            description = "Random affine transforms of the training images, new for every example and epoch: "
                    + "--augment alone is " + Augmentation.DEFAULT_SPEC + " (rotation up to 10 degrees either way, "
                    + "shift up to 2 pixels, scale 0.9 to 1.1); rotate=DEGREES,shift=PIXELS,scale=MIN:MAX sets "
                    + "them (a setting left out keeps that value); elastic=ALPHA[:SIGMA] adds an elastic "
                    + "distortion (random displacements smoothed by a Gaussian of SIGMA pixels, default 4, and "
                    + "scaled by ALPHA, such as 34); none turns it off. Validation and test images are never "
                    + "transformed (default: ${DEFAULT-VALUE}).")
    private String augment;

    @Option(
            names = "--patience",
            paramLabel = "EPOCHS",
            defaultValue = "0",
            description = "Stop after this many epochs without a validation improvement; 0 never stops early "
                    + "(default: ${DEFAULT-VALUE}).")
    private int patience;

    @Option(
            names = "--min-delta",
            paramLabel = "LOSS",
            defaultValue = "" + TrainingRunBuilder.DEFAULT_MIN_DELTA,
            description = "The decrease of the validation loss that counts as an improvement for --patience "
                    + "(default: ${DEFAULT-VALUE}).")
    private double minDelta;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Use only the first N shuffled training examples; 0 uses all (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Mixin
    private SharedOptions.ModelOptions modelOptions;

    @Option(
            names = "--trainer-option",
            paramLabel = "KEY=VALUE",
            description = "A trainer-specific option; repeatable.")
    private Map<String, String> trainerOptions = new LinkedHashMap<>();

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description = "The run directory (default: runs/<model>-<date>-<time>; after --resume, the checkpoint's "
                    + "directory).")
    private Path runDir;

    @Option(
            names = "--resume",
            paramLabel = "CHECKPOINT",
            description = "Continue the run saved in CHECKPOINT (its last.ckpt); the run keeps its settings, "
                    + "--epochs is the new total.")
    private Path resume;

    @Option(
            names = "--allow-data-change",
            description = "With --resume: go on although the data differ from those the checkpoint recorded (their"
                    + " SHA-256 fingerprint); without it such a resume is refused.")
    private boolean allowDataChange;

    @Option(
            names = "--from-best",
            description = "With --resume: resume a checkpoint older than its run (its best.ckpt) in that run's"
                    + " directory; the later epochs' metrics.jsonl rows and last.ckpt are kept aside as"
                    + " metrics.epochs-A-B.jsonl and last.epoch-B.ckpt. Without it such a resume is refused.")
    private boolean fromBest;

    @Option(
            names = "--overwrite",
            description = "Let a new run replace the checkpoints of another run in its run directory, and --model-fn"
                    + " replace an existing file that is not a checkpoint.")
    private boolean overwrite;

    @Mixin
    private SharedOptions.Offline offline;

    @Option(
            names = "--report",
            description = "Keep RUN_DIR/" + RunReports.DIRECTORY + "/index.html current after every epoch: a page that"
                    + " reloads itself while the run goes, to watch it in a browser; at the end it shows the test"
                    + " results.")
    private boolean report;

    @Override
    public Integer call() {
        if (verbose < 0 || verbose > 2) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + verbose + "' for --verbose: must be 0, 1 or 2");
        }
        PrintStream bar = new PrintStream(new WriterOutputStream(err()), true, StandardCharsets.UTF_8);
        TrainingResult result;
        Path reportPage = null;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            MetricSet metrics = MetricSet.standard();
            TrainingRunBuilder builder = TrainingRun.builder()
                    .lookup(toolkit().extensions())
                    .datasetLoader(offline.loader(toolkit(), progress))
                    .metrics(metrics);
            configure(builder, spec().commandLine().getParseResult());
            if (verbose >= 2 && toolkit().interactive()) {
                ProgressBarReporter.attach(builder, metrics, bar);
            }
            if (verbose >= 1) {
                builder.onModelReady(model -> {
                    String line = ModelDescriptionLine.of(model.name(), model.description());
                    if (line != null) {
                        out().println(line);
                        out().flush();
                    }
                });
                EpochLineReporter.attach(builder, metrics, out());
            }
            LiveReport live = report ? new LiveReport(toolkit(), err()) : null;
            if (live != null) {
                live.attach(builder);
            }
            TrainingRun run = builder.build();
            if (live != null) {
                live.runDirectory(Path.of(run.config().runDir()));
            }
            result = run.run();
            if (live != null) {
                live.finish(progress);
                reportPage = live.page();
            }
        } finally {
            bar.flush();
        }
        if (verbose >= 1) {
            out().printf(
                            Locale.ROOT,
                            "Test - loss=%.4e accuracy=%.4f (best epoch %d of %d)%n",
                            result.test().loss(),
                            result.test().accuracy(),
                            result.bestEpoch(),
                            result.epochsRun());
            if (result.stopReason() != null) {
                out().println("Stopped early: " + result.stopReason());
            }
            Path best = result.bestCheckpoint();
            boolean bestInside = result.runDirectory().equals(best.getParent());
            out().println("Run directory: " + result.runDirectory() + " (" + RunDirectory.SUMMARY + ", "
                    + RunDirectory.METRICS + ", " + (bestInside ? best.getFileName() + ", " : "")
                    + RunDirectory.LAST_CHECKPOINT + ")");
            if (!bestInside) {
                out().println("Best checkpoint: " + best);
            }
            if (reportPage != null) {
                out().println("Report: " + reportPage);
            }
        }
        out().flush();
        return ExitCodes.OK;
    }

    /**
     * Passes the settings on. A new run takes every option (defaults included); a resumed run takes only the
     * options given on the command line, so that the checkpoint's settings apply to the rest. The shared options
     * are null when not given, and the core's defaults apply.
     */
    private void configure(TrainingRunBuilder b, ParseResult parsed) {
        boolean all = resume == null;
        if (resume != null) {
            b.resumeFrom(resume);
        }
        b.overwrite(overwrite);
        b.allowDataChange(allowDataChange);
        b.fromBest(fromBest);
        if (all || given(parsed, "--model")) {
            b.model(model);
        }
        if (dataset.value() != null || all) {
            b.dataset(dataset.value() != null ? dataset.value() : SharedOptions.Dataset.DEFAULT);
        }
        if (trainer != null) {
            b.trainer(trainer);
        }
        if (modelFn != null) {
            b.bestCheckpoint(modelFn);
        }
        if (runDir != null) {
            b.runDir(runDir);
        }
        if (compute.threads() != null) {
            b.threads(compute.threads());
        }
        if (compute.device() != null) {
            b.device(compute.device());
        }
        if (all || given(parsed, "--train-ratio")) {
            b.trainRatio(trainRatio);
        }
        if (batchSize.value() != null) {
            b.batchSize(batchSize.value());
        }
        if (all || given(parsed, "--epochs")) {
            b.epochs(epochs);
        }
        if (all || given(parsed, "--seed")) {
            b.seed(seed);
        }
        if (all || given(parsed, "--lr")) {
            b.learningRate(learningRate);
        }
        if (all || given(parsed, "--optimizer")) {
            b.optimizer(optimizer);
        }
        if (all || given(parsed, "--lr-schedule")) {
            b.lrSchedule(lrSchedule);
        }
        if (all || given(parsed, "--augment")) {
            b.augment(augment);
        }
        if (all || given(parsed, "--patience")) {
            b.patience(patience);
        }
        if (all || given(parsed, "--min-delta")) {
            b.minDelta(minDelta);
        }
        if (all || given(parsed, "--limit")) {
            b.limit(limit);
        }
        if (all || given(parsed, SharedOptions.DatasetOptions.NAME)) {
            b.datasetOptions(datasetOptions.values());
        }
        if (all || given(parsed, SharedOptions.ModelOptions.NAME)) {
            b.modelOptions(modelOptions.values());
        }
        if (all || given(parsed, "--trainer-option")) {
            b.trainerOptions(trainerOptions);
        }
    }

    private static boolean given(ParseResult parsed, String option) {
        ParseResult sub = parsed;
        while (sub.hasSubcommand()) {
            sub = sub.subcommand();
        }
        return sub.hasMatchedOption(option);
    }

    /**
     * Bytes written by a {@link java.io.PrintStream} (the progress bar library draws on one) passed on, as UTF-8
     * text, to a command's {@link PrintWriter} at every flush. A PrintStream flushes after whole strings, so no
     * character is split between two flushes.
     */
    static final class WriterOutputStream extends OutputStream {
        private final PrintWriter writer;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        WriterOutputStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            if (pending.size() > 0) {
                writer.write(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
            writer.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }
}
