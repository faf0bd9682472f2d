package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.mltoolkit.core.engine.Predictions;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code toolkit predict --checkpoint FILE}: runs a checkpoint's model over a dataset's test split and shows test
 * images with their predicted labels, as text pictures on the terminal and optionally as a PNG grid.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Show test images with the labels a checkpoint's model predicts for them.",
            "Prints each picture with its index, predicted class, confidence and true class, then the test accuracy."
        })
public final class PredictCommand extends ToolkitSubcommand {

    @Mixin
    private ModelSource source;

    @Mixin
    private SharedOptions.Dataset dataset;

    @Mixin
    private SharedOptions.DatasetOptions datasetOptions;

    @Option(
            names = "--count",
            paramLabel = "N",
            defaultValue = "8",
            description = "How many test images to show (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(
            names = "--first",
            paramLabel = "INDEX",
            defaultValue = "0",
            description = "Index of the first test image to show (default: ${DEFAULT-VALUE}).")
    private int first;

    @Option(names = "--errors", description = "Show only images the model gets wrong.")
    private boolean errorsOnly;

    @Option(
            names = "--per-row",
            paramLabel = "N",
            defaultValue = "4",
            description = "Pictures side by side (default: ${DEFAULT-VALUE}).")
    private int perRow;

    @Option(names = "--png", paramLabel = "FILE", description = "Also write the pictures as a PNG grid to FILE.")
    private Path png;

    @Mixin
    private SharedOptions.Overwrite overwrite;

    @Mixin
    private SharedOptions.Compute compute;

    @Mixin
    private SharedOptions.Offline offline;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + count + "' for --count: must be at" + " least 1");
        }
        if (first < 0) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + first + "' for --first: must be at" + " least 0");
        }
        if (perRow < 1) {
            throw new ParameterException(
                    spec().commandLine(), "invalid value '" + perRow + "' for --per-row: must be" + " at least 1");
        }
        if (png != null) {
            Map<String, Path> inputs = new HashMap<>();
            inputs.put("checkpoint", source.checkpoint());
            inputs.put("onnx", source.onnx());
            OutputFiles.checkWritable("png", png, OutputFiles.Kind.PNG, overwrite.enabled(), inputs);
        }
        EvaluationResult result;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            Evaluation.Builder builder = Evaluation.builder()
                    .lookup(toolkit().extensions())
                    .datasetOptions(datasetOptions.values())
                    .datasetLoader(offline.loader(toolkit(), progress));
            source.configure(spec().commandLine(), builder, dataset.value());
            if (compute.device() != null) {
                builder.device(compute.device());
            }
            if (compute.threads() != null) {
                builder.threads(compute.threads());
            }
            result = builder.build().run();
        }
        LabeledData test = result.testData();
        if (first >= test.size()) {
            throw new ParameterException(
                    spec().commandLine(),
                    "invalid value '" + first + "' for --first: the test" + " split of " + result.dataset() + " has "
                            + test.size() + " images");
        }
        Predictions predictions = result.predictions();
        List<String> classNames = predictions.confusion().classNames();
        List<DigitPictures.Tile> tiles = new ArrayList<>();
        for (int i = first; i < test.size() && tiles.size() < count; i++) {
            int predicted = predictions.predicted()[i];
            int label = test.labels()[i];
            if (errorsOnly && predicted == label) {
                continue;
            }
            String caption = String.format(
                    Locale.ROOT,
                    "#%d %s %.2f%s",
                    i,
                    classNames.get(predicted),
                    predictions.confidence()[i],
                    predicted == label ? "" : " (" + classNames.get(label) + ")");
            tiles.add(new DigitPictures.Tile(
                    test.features(), i * test.shape().size(), caption, predicted == label, predicted));
        }
        out().print(DigitPictures.text(tiles, test.shape(), perRow));
        out().printf(
                        Locale.ROOT,
                        "Shown: %d image(s) from #%d; a class in parentheses is the true one where the"
                                + " prediction is wrong.%n",
                        tiles.size(),
                        first);
        out().printf(
                        Locale.ROOT,
                        "Test - loss=%.4e accuracy=%.4f (%d of %d wrong)%n",
                        result.test().loss(),
                        result.test().accuracy(),
                        Math.round((1 - result.test().accuracy()) * test.size()),
                        test.size());
        if (png != null) {
            DigitPictures.png(tiles, test.shape(), perRow, png);
            out().println("Picture: " + png);
        }
        out().flush();
        return ExitCodes.OK;
    }
}
