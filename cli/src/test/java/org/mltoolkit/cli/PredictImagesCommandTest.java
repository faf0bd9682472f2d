package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.InProcessToolkit.Run;

/**
 * {@code predict --checkpoint FILE IMAGE...} on pictures drawn by {@link UserImagesTest}, with a checkpoint of the
 * test dataset {@code blobs}, whose examples are 1x2x3: the pictures are made for the model's own shape.
 */
class PredictImagesCommandTest {
    @TempDir
    Path temp;

    private final TrainCommandTest commands = new TrainCommandTest();
    private Path checkpoint;

    @BeforeEach
    void trainAModel() {
        commands.temp = temp;
        Path runDir = temp.resolve("run");
        Run train = commands.toolkit(
                "train",
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--epochs",
                "1",
                "--verbose",
                "0",
                "--run-dir",
                runDir.toString());
        assertEquals(0, train.exitCode(), train.err());
        checkpoint = runDir.resolve("best.ckpt");
    }

    @Test
    void eachPictureGetsItsLabelAndTheTopThreeProbabilities() throws IOException {
        Path dark = UserImagesTest.drawSeven(temp.resolve("a.png"), 40, 60, Color.WHITE, Color.BLACK, "png");
        Path light = UserImagesTest.drawSeven(temp.resolve("b.jpg"), 90, 50, Color.BLACK, Color.WHITE, "jpg");

        Run json = commands.toolkit(
                "predict", "--checkpoint", checkpoint.toString(), dark.toString(), light.toString(), "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode pictures = new ObjectMapper().readTree(json.out()).get("pictures");
        assertEquals(2, pictures.size());
        assertEquals(dark.toString(), pictures.get(0).get("file").asText());
        assertTrue(pictures.get(0).get("inverted").asBoolean());
        assertFalse(pictures.get(1).get("inverted").asBoolean());
        for (JsonNode picture : pictures) {
            JsonNode top = picture.get("top");
            assertEquals(3, top.size(), "blobs has three classes: all three are listed");
            double sum = 0;
            for (int i = 0; i < top.size(); i++) {
                sum += top.get(i).get("probability").asDouble();
                if (i > 0) {
                    assertTrue(top.get(i).get("probability").asDouble()
                            <= top.get(i - 1).get("probability").asDouble());
                }
            }
            assertEquals(1.0, sum, 1e-4, "the three classes' probabilities add up to one");
            assertEquals(top.get(0).get("label").asText(), picture.get("label").asText());
            assertEquals(
                    top.get(0).get("probability").asDouble(),
                    picture.get("probability").asDouble());
        }

        Run text = commands.toolkit("predict", "--checkpoint", checkpoint.toString(), dark.toString());
        assertEquals(0, text.exitCode(), text.err());
        String label = pictures.get(0).get("label").asText();
        assertTrue(text.out().contains("1: " + dark + ": " + label + "   top 3:  " + label + " "), text.out());
        assertTrue(text.out().contains("light background: inverted"), text.out());
    }

    @Test
    void aFileThatIsNotAPictureStopsTheCommandInOneLineBeforeAnythingIsWritten() throws IOException {
        Path good = UserImagesTest.drawSeven(temp.resolve("a.png"), 40, 60, Color.WHITE, Color.BLACK, "png");
        Path bad = Files.writeString(temp.resolve("b.png"), "not a picture");
        Path png = temp.resolve("grid.png");
        Run run = commands.toolkit(
                "predict",
                "--checkpoint",
                checkpoint.toString(),
                good.toString(),
                bad.toString(),
                "--png",
                png.toString());
        assertEquals(1, run.exitCode());
        assertEquals(
                "error: " + bad + ": not a picture (PNG, JPEG, GIF or BMP)",
                run.err().strip());
        assertEquals("", run.out());
        assertFalse(Files.exists(png));

        Path missing = temp.resolve("missing.jpg");
        Run absent = commands.toolkit("predict", "--checkpoint", checkpoint.toString(), missing.toString());
        assertEquals(1, absent.exitCode());
        assertEquals("error: " + missing + ": no such file", absent.err().strip());

        Run mixed = commands.toolkit("predict", "--checkpoint", checkpoint.toString(), good.toString(), "--count", "3");
        assertEquals(2, mixed.exitCode());
        assertTrue(
                mixed.err().startsWith("error: --count goes with the test split, not with IMAGE files"), mixed.err());
    }

    @Test
    void theConvertedPicturesCanBeSavedAsAGrid() throws IOException {
        Path good = UserImagesTest.drawSeven(temp.resolve("a.png"), 40, 60, Color.WHITE, Color.BLACK, "png");
        Path png = temp.resolve("grid.png");
        Run run = commands.toolkit(
                "predict", "--checkpoint", checkpoint.toString(), good.toString(), "--png", png.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.size(png) > 0);
        assertTrue(run.out().endsWith("Picture: " + png + System.lineSeparator()), run.out());
    }
}
