package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.mltoolkit.core.engine.Predictions;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/**
 * {@code toolkit predict --checkpoint FILE [IMAGE...]}: with picture files, converts each the way MNIST's digits were
 * made ({@link UserImages}) and prints the model's label and top three probabilities for it; without, runs the
 * model over a dataset's test split and shows test images with their predicted labels. Both draw the pictures as
 * text on the terminal and optionally as a PNG grid.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Classify your own pictures (PNG or JPEG, any size), or show test images with the labels a checkpoint's"
                    + " model predicts for them.",
            "With IMAGE files: each is made grey, its drawing scaled to fit 20x20 and centred by mass in 28x28 (in"
                    + " proportion for other model sizes; colour models get the resized picture), then the label and"
                    + " the top three probabilities are printed. A picture with a light border is read as dark ink on"
                    + " light paper and inverted (--invert / --no-invert force it).",
            "Without: prints test pictures with their index, predicted class, confidence and true class, then the test"
                    + " accuracy."
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

    @Parameters(
            paramLabel = "IMAGE",
            arity = "0..*",
            description = "Pictures to classify (PNG, JPEG, GIF or BMP) instead of the test split.")
    private List<Path> images = List.of();

    @Option(
            names = "--invert",
            negatable = true,
            description = "With IMAGE files: invert the greys (dark ink on light paper), or with --no-invert keep them"
                    + " (light on dark, like MNIST); by default a picture with a light border is inverted.")
    private Boolean invert;

    @Mixin
    private SharedOptions.JsonOutput json;

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
            for (int i = 0; i < images.size(); i++) {
                inputs.put("image " + (i + 1), images.get(i));
            }
            OutputFiles.checkWritable("png", png, OutputFiles.Kind.PNG, overwrite.enabled(), inputs);
        }
        if (!images.isEmpty()) {
            return classifyImages();
        }
        if (invert != null || json.enabled()) {
            throw new ParameterException(
                    spec().commandLine(),
                    (invert != null ? (invert ? "--invert" : "--no-invert") : "--json") + " goes with IMAGE files");
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
            float[] pixels = new float[test.shape().size()];
            test.copyExample(i, pixels, 0);
            tiles.add(new DigitPictures.Tile(pixels, 0, caption, predicted == label, predicted));
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

    /**
     * Converts every picture to the model's example shape (all of them before anything runs, so a bad file stops
     * the command before any output), runs the model over them and prints each label with the top three
     * probabilities, as text or JSON; writes the converted pictures to {@code --png} when given. Throws
     * ParameterException for test-split options given with pictures, and ToolkitException naming a picture that is
     * missing, not a picture or blank.
     */
    private Integer classifyImages() {
        ParseResult parsed = spec().commandLine().getParseResult();
        for (String option : List.of("--count", "--first", "--errors", SharedOptions.DatasetOptions.NAME)) {
            if (parsed.hasMatchedOption(option)) {
                throw new ParameterException(
                        spec().commandLine(), option + " goes with the test split, not with IMAGE files");
            }
        }
        Evaluation.Builder builder = Evaluation.builder().lookup(toolkit().extensions());
        source.configure(spec().commandLine(), builder, dataset.value());
        if (compute.device() != null) {
            builder.device(compute.device());
        }
        if (compute.threads() != null) {
            builder.threads(compute.threads());
        }
        // Read the checkpoint first: its model fixes the shape and the number of classes the pictures are made for.
        // (The loader is never asked for data: the pictures are given as the data below.)
        Checkpoint checkpoint;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            checkpoint = builder.datasetLoader(offline.loader(toolkit(), progress))
                    .build()
                    .checkpoint();
        }
        String datasetName = checkpoint != null
                ? checkpoint.datasetName()
                : dataset.value() != null ? dataset.value() : SharedOptions.Dataset.DEFAULT;
        DatasetProvider provider = toolkit().extensions().dataset(datasetName);
        ExampleShape shape = checkpoint != null ? checkpoint.modelSpec().inputShape() : provider.exampleShape();
        if (shape == null) {
            throw new ParameterException(
                    spec().commandLine(),
                    "the size of dataset '" + datasetName + "' depends on its files; give a checkpoint trained on it");
        }
        int classes = checkpoint != null
                ? checkpoint.modelSpec().numClasses()
                : provider.classNames().size();
        List<String> classNames = provider.classNames() != null
                        && provider.classNames().size() == classes
                ? provider.classNames()
                : IntStream.range(0, classes).mapToObj(Integer::toString).toList();

        List<UserImages.Converted> converted = new ArrayList<>();
        float[] features = new float[images.size() * shape.size()];
        for (Path file : images) {
            UserImages.Converted picture = UserImages.convert(file, shape, invert);
            System.arraycopy(picture.pixels(), 0, features, converted.size() * shape.size(), shape.size());
            converted.add(picture);
        }
        LabeledData pictures = new LabeledData(features, new int[images.size()], shape, classes);
        EvaluationResult result = builder.data(new DatasetSplits("pictures", pictures, pictures, classNames))
                .evaluationReport(false)
                .build()
                .run();
        float[] logProbabilities = result.predictions().logProbabilities();

        ArrayNode jsonPictures = Json.MAPPER.createArrayNode();
        List<DigitPictures.Tile> tiles = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < converted.size(); i++) {
            UserImages.Converted picture = converted.get(i);
            int[] top = top(logProbabilities, i * classes, classes, Math.min(3, classes));
            int label = top[0];
            tiles.add(new DigitPictures.Tile(
                    features,
                    i * shape.size(),
                    String.format(
                            Locale.ROOT,
                            "%d: %s %.2f",
                            i + 1,
                            classNames.get(label),
                            Math.exp(logProbabilities[i * classes + label])),
                    true,
                    label));
            ObjectNode node = jsonPictures.addObject();
            node.put("file", picture.file().toString());
            node.put("label", classNames.get(label));
            node.put("class", label);
            node.put("probability", Math.exp(logProbabilities[i * classes + label]));
            node.put("inverted", picture.inverted());
            ArrayNode topNode = node.putArray("top");
            StringBuilder topText = new StringBuilder();
            for (int c : top) {
                double probability = Math.exp(logProbabilities[i * classes + c]);
                topNode.addObject().put("label", classNames.get(c)).put("probability", probability);
                topText.append(String.format(Locale.ROOT, "  %s %.4f", classNames.get(c), probability));
            }
            lines.append(String.format(
                    Locale.ROOT, "%d: %s: %s   top 3:%s%n", i + 1, picture.file(), classNames.get(label), topText));
            if (picture.detected() && picture.inverted()) {
                lines.append("   light background: inverted as dark ink on light paper (--no-invert keeps it)")
                        .append(System.lineSeparator());
            }
        }
        if (png != null) {
            DigitPictures.png(tiles, shape, perRow, png);
        }
        if (json.enabled()) {
            ObjectNode root = Json.object();
            root.put("model", result.model());
            root.put(
                    source.checkpoint() != null ? "checkpoint" : "onnx",
                    String.valueOf(source.checkpoint() != null ? source.checkpoint() : source.onnx()));
            root.put("shape", shape.toString());
            root.set("pictures", jsonPictures);
            Json.print(out(), root);
            return ExitCodes.OK;
        }
        out().print(DigitPictures.text(tiles, shape, perRow));
        out().print(lines);
        if (png != null) {
            out().println("Picture: " + png);
        }
        out().flush();
        return ExitCodes.OK;
    }

    /** The {@code k} classes of highest log-probability among {@code classes} from {@code offset}, best first. */
    private static int[] top(float[] logProbabilities, int offset, int classes, int k) {
        return IntStream.range(0, classes)
                .boxed()
                .sorted((a, b) -> Float.compare(logProbabilities[offset + b], logProbabilities[offset + a]))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
