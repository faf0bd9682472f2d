package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.run.TrainingRunBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code toolkit data show <dataset> [--split train|test] [--first I] [--count N] [--augment SPEC [--seed S]
 * [--epoch E]] [--png FILE]}: examples of a fetched dataset drawn with their labels, in the terminal and as a PNG
 * grid. With {@code --augment} the training examples are drawn as {@code train --augment SPEC --seed S} transforms
 * them in epoch E (the transform depends on those and the example's index alone), so a user sees what a spec does
 * before spending a run on it. Never downloads.
 */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Draw examples of a fetched dataset with their labels, in the terminal and optionally as a PNG grid.",
            "With --augment, training examples as 'train --augment SPEC --seed S' transforms them in epoch E (an "
                    + "example that run keeps for validation is never transformed). Never downloads."
        })
public final class DataShowCommand extends ToolkitSubcommand {
    private static final String TRAIN = "train";
    private static final String TEST = "test";

    @Parameters(paramLabel = "DATASET", description = "The dataset's name, for example mnist.")
    private String dataset;

    @Mixin
    private SharedOptions.DatasetOptions datasetOptions;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            defaultValue = TRAIN,
            description = "train or test (default: ${DEFAULT-VALUE}).")
    private String split;

    @Option(
            names = "--first",
            paramLabel = "INDEX",
            defaultValue = "0",
            description = "Index of the first example to show (default: ${DEFAULT-VALUE}).")
    private int first;

    @Option(
            names = "--count",
            paramLabel = "N",
            defaultValue = "8",
            description = "How many examples to show (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(
            names = "--per-row",
            paramLabel = "N",
            defaultValue = "8",
            description = "Pictures side by side (default: ${DEFAULT-VALUE}).")
    private int perRow;

    @Option(
            names = "--augment",
            paramLabel = "SPEC",
            arity = "0..1",
            fallbackValue = "default",
            description = "Draw the training examples transformed as 'train --augment SPEC' would: alone or default "
                    + "for train's --augment, or rotate=,shift=,scale=,elastic= settings (see 'toolkit train --help').")
    private String augment;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "With --augment: the run's seed (default: train's, " + TrainingRunBuilder.DEFAULT_SEED + ").")
    private Long seed;

    @Option(names = "--epoch", paramLabel = "N", description = "With --augment: the epoch, from 1 (default: 1).")
    private Integer epoch;

    @Option(names = "--png", paramLabel = "FILE", description = "Also write the pictures as a PNG grid to FILE.")
    private Path png;

    @Mixin
    private SharedOptions.Overwrite overwrite;

    @Override
    public Integer call() {
        Augmentation augmentation = checkOptions();
        if (png != null) {
            OutputFiles.checkWritable("png", png, OutputFiles.Kind.PNG, overwrite.enabled(), Map.of());
        }
        DatasetProvider provider = toolkit().extensions().dataset(dataset);
        DatasetSplits splits;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            splits = toolkit().dataManager().load(provider, new PluginOptions(datasetOptions.values()), true, progress);
        }
        LabeledData data = split.equals(TRAIN) ? splits.train() : splits.test();
        if (first >= data.size()) {
            throw new ParameterException(
                    spec().commandLine(),
                    "invalid value '" + first + "' for --first: the " + split + " split of " + dataset + " has "
                            + data.size() + " examples");
        }
        long runSeed = seed == null ? TrainingRunBuilder.DEFAULT_SEED : seed;
        int runEpoch = epoch == null ? 1 : epoch;
        List<DigitPictures.Tile> tiles = new ArrayList<>();
        int size = data.shape().size();
        for (int i = first; i < data.size() && tiles.size() < count; i++) {
            float[] pixels = new float[size];
            data.copyExample(i, pixels, 0);
            if (augmentation.enabled()) {
                float[] transformed = new float[size];
                augmentation
                        .draw(runSeed, runEpoch, i)
                        .apply(
                                pixels,
                                0,
                                transformed,
                                0,
                                data.shape().channels(),
                                data.shape().height(),
                                data.shape().width());
                pixels = transformed;
            }
            int label = data.labels()[i];
            tiles.add(new DigitPictures.Tile(
                    pixels, 0, "#" + i + " " + splits.classNames().get(label), true, label));
        }
        out().print(DigitPictures.text(tiles, data.shape(), perRow));
        out().printf(
                        Locale.ROOT,
                        "Shown: %d example(s) of the %s split of %s from #%d%s.%n",
                        tiles.size(),
                        split,
                        dataset,
                        first,
                        augmentation.enabled()
                                ? String.format(
                                        Locale.ROOT,
                                        ", as 'train --augment %s --seed %d' transforms them in epoch %d",
                                        augmentation.spec(),
                                        runSeed,
                                        runEpoch)
                                : "");
        if (png != null) {
            DigitPictures.png(tiles, data.shape(), perRow, png);
            out().println("Picture: " + png);
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** The augmentation asked for (NONE without --augment); throws ParameterException for options that do not fit. */
    private Augmentation checkOptions() {
        if (!split.equals(TRAIN) && !split.equals(TEST)) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + split + "' for --split: expected train or test");
        }
        for (Object[] bound : new Object[][] {{"--first", first, 0}, {"--count", count, 1}, {"--per-row", perRow, 1}}) {
            if ((int) bound[1] < (int) bound[2]) {
                throw new ParameterException(
                        spec().commandLine(),
                        "invalid value '" + bound[1] + "' for " + bound[0] + ": must be at least " + bound[2]);
            }
        }
        if (augment == null) {
            if (seed != null || epoch != null) {
                throw new ParameterException(
                        spec().commandLine(), (seed != null ? "--seed" : "--epoch") + " goes with --augment");
            }
            return Augmentation.NONE;
        }
        if (split.equals(TEST)) {
            throw new ParameterException(
                    spec().commandLine(), "--augment draws training examples; test images are never transformed");
        }
        if (epoch != null && epoch < 1) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + epoch + "' for --epoch: epochs count from 1");
        }
        return Augmentation.parse(augment);
    }
}
