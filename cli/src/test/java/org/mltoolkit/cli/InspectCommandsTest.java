package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.ReportingSoftmax;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;

/** {@code evaluate --confusion}, {@code predict} and {@code export} on a checkpoint of the plain-Java test model. */
class InspectCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private Path best;

    Run toolkit(String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(TrainCommandTest.BLOBS),
                List.of(new SoftmaxRegression.Provider(), new ReportingSoftmax.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        return InProcessToolkit.run(temp.resolve("data"), lookup, args);
    }

    @BeforeEach
    void trainOneRun() {
        best = train("softmax");
    }

    /** Trains {@code model} for two epochs on the blobs and returns its best checkpoint. */
    private Path train(String model) {
        Path runDir = temp.resolve("run-" + model);
        Run run = toolkit(
                "train",
                "--dataset",
                "blobs",
                "--model",
                model,
                "--batch-size",
                "16",
                "--lr",
                "0.05",
                "--verbose",
                "0",
                "--epochs",
                "2",
                "--run-dir",
                runDir.toString());
        assertEquals(0, run.exitCode(), run.err());
        return runDir.resolve("best.ckpt");
    }

    @Test
    void evaluateJsonCarriesAConfusionMatrixThatAgreesWithTheAccuracy() throws IOException {
        Run run = toolkit("evaluate", "--checkpoint", best.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode result = JSON.readTree(run.out());
        JsonNode matrix = result.get("confusion_matrix");
        assertEquals(3, matrix.size());
        long total = 0;
        long diagonal = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                total += matrix.get(i).get(j).asLong();
            }
            diagonal += matrix.get(i).get(i).asLong();
        }
        assertEquals(result.get("test_examples").asLong(), total);
        assertEquals(result.get("test_accuracy").asDouble(), (double) diagonal / total, 1e-12);
        assertEquals("class-0", result.get("per_class").get(0).get("class").asText());

        Run text = toolkit("evaluate", "--checkpoint", best.toString(), "--confusion");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("true\\pred"), text.out());
        assertTrue(text.out().contains("precision"), text.out());
    }

    @Test
    void predictShowsPicturesWithPredictedLabelsAndWritesAPng() throws IOException {
        Path png = temp.resolve("pictures/predictions.png");
        Run run = toolkit(
                "predict", "--checkpoint", best.toString(), "--count", "3", "--per-row", "2", "--png", png.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("#0 "), run.out());
        assertTrue(run.out().contains("#1 "), run.out());
        assertTrue(run.out().contains("#2 "), run.out());
        assertFalse(run.out().contains("#3 "), run.out());
        assertTrue(run.out().contains("Shown: 3 image(s) from #0"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("Test - loss=")), run.out());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * (SyntheticData.SHAPE.width() * 4 + 2 * 4), image.getWidth());
        assertTrue(image.getHeight() > 2 * SyntheticData.SHAPE.height() * 4);
        try (var siblings = Files.list(png.getParent())) {
            assertEquals(1, siblings.count(), "no temporary file is left beside the picture");
        }
    }

    @Test
    void predictRejectsAFirstIndexPastTheTestSplit() {
        Run run = toolkit("predict", "--checkpoint", best.toString(), "--first", "100000");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().strip().startsWith("error: invalid value '100000' for --first"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void aSettingOutOfRangeIsAUsageErrorNamingTheOptionInEveryCommand() {
        Run evaluate = toolkit("evaluate", "--checkpoint", best.toString(), "--batch-size", "0");
        assertEquals(ExitCodes.USAGE, evaluate.exitCode());
        assertTrue(
                evaluate.err().startsWith("error: invalid value '0' for --batch-size: must be at least 1"),
                evaluate.err());
        Run predict = toolkit("predict", "--checkpoint", best.toString(), "--device", "gpu");
        assertEquals(ExitCodes.USAGE, predict.exitCode());
        assertTrue(
                predict.err().startsWith("error: invalid value 'gpu' for --device: expected cpu, auto or cuda:N"),
                predict.err());
        assertEquals(1, predict.err().strip().lines().count(), predict.err());
    }

    @Test
    void exportOfAModelWithoutAnOnnxExporterIsOneClearError() {
        Path onnx = temp.resolve("model.onnx");
        Run run = toolkit("export", "--checkpoint", best.toString(), "--onnx", onnx.toString());
        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals(
                "error: model 'softmax' (in " + best + ") cannot be exported to ONNX: its plugin does not "
                        + "implement OnnxExportable",
                run.err().strip());
        assertFalse(Files.exists(onnx));
    }

    @Test
    void evaluateShowsTheModelsOwnReportBesideTheCoresNumbersInTextAndJson() throws IOException {
        Path reporting = train(ReportingSoftmax.NAME);
        Run text = toolkit("evaluate", "--checkpoint", reporting.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("Test - loss="), text.out());
        assertTrue(text.out().contains("Evaluation by tally:\ntally of blobs test split: "), text.out());

        Run json = toolkit("evaluate", "--checkpoint", reporting.toString(), "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode result = JSON.readTree(json.out());
        JsonNode report = result.get("report");
        assertEquals("tally", report.get("evaluator").asText());
        assertEquals(
                result.get("test_accuracy").asDouble(), report.get("accuracy").asDouble(), 1e-12);
        assertEquals(result.get("confusion_matrix"), report.get("confusion_matrix"));
        for (int k = 0; k < 3; k++) {
            JsonNode core = result.get("per_class").get(k);
            JsonNode own = report.get("per_class").get(k);
            assertEquals(core.get("class"), own.get("class"));
            assertEquals(core.get("recall").asDouble(), own.get("recall").asDouble(), 1e-12);
        }
        for (String key : List.of("micro_average", "macro_average")) {
            for (String score : List.of("precision", "recall", "f1")) {
                assertTrue(report.get(key).get(score).isNumber(), key + "." + score + " in " + report);
            }
        }
        assertTrue(report.get("balanced_error_rate").isNumber(), report.toString());

        Run plain = toolkit("evaluate", "--checkpoint", best.toString(), "--json");
        assertFalse(JSON.readTree(plain.out()).has("report"), plain.out());
    }

    @Test
    void exportWritesTheFormatsThePluginNamesAndRefusesOthersInOneLine() throws IOException {
        Path reporting = train(ReportingSoftmax.NAME);
        Path text = temp.resolve("out/model.txt");
        Run run = toolkit("export", "--checkpoint", reporting.toString(), "--format", "text=" + text);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Exported model 'reporting-softmax' (epoch "), run.out());
        assertTrue(
                run.out()
                        .strip()
                        .endsWith("to " + text + " as text (" + String.format("%,d", Files.size(text)) + " bytes)"),
                run.out());
        assertTrue(Files.readString(text).contains("classes=class-0,class-1,class-2"));

        Path tribuo = temp.resolve("model.tribuo");
        Run refused = toolkit("export", "--checkpoint", best.toString(), "--tribuo", tribuo.toString());
        assertEquals(ExitCodes.ERROR, refused.exitCode());
        assertEquals(
                "error: model 'softmax' (in " + best + ") cannot be exported as 'tribuo': its plugin writes no format"
                        + " but ONNX",
                refused.err().strip());
        assertFalse(Files.exists(tribuo));

        Run nothing = toolkit("export", "--checkpoint", best.toString());
        assertEquals(ExitCodes.USAGE, nothing.exitCode());
        assertTrue(nothing.err().startsWith("error: name at least one file to write"), nothing.err());
        Run twice = toolkit(
                "export", "--checkpoint", reporting.toString(), "--onnx", text.toString(), "--format", "text=" + text);
        assertEquals(ExitCodes.USAGE, twice.exitCode(), twice.err());
        assertTrue(twice.err().startsWith("error: " + text + " is named for two outputs"), twice.err());
    }
}
