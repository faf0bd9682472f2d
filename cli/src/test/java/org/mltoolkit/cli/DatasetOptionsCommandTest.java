package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.OptionsDataset;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;

/** {@code --dataset-option} on the commands that name a dataset: refused in one line, recorded, shown. */
class DatasetOptionsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final OptionsDataset drawn = new OptionsDataset();

    Run toolkit(String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(new InMemoryDataset(SyntheticData.make("blobs", 300, 60, 3, 5)), drawn),
                List.of(new SoftmaxRegression.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        return InProcessToolkit.run(temp.resolve("data"), lookup, args);
    }

    @Test
    void aDatasetWithoutOptionsRefusesThemInOneLineAndNothingIsWritten() {
        Path runDir = temp.resolve("run");
        Run train = toolkit(
                "train",
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--run-dir",
                runDir.toString(),
                "--dataset-option",
                "path=somewhere");
        assertEquals(ExitCodes.USAGE, train.exitCode(), train.err());
        assertEquals(
                "error: invalid value 'somewhere' for path: not an option of dataset blobs (dataset blobs takes no"
                        + " options) (see 'toolkit train --help')",
                train.err().strip());
        assertFalse(Files.exists(runDir.resolve("config.json")));

        Run info = toolkit("data", "info", "blobs", "--dataset-option", "size=3");
        assertEquals(ExitCodes.USAGE, info.exitCode(), info.err());
        assertEquals(1, info.err().lines().count(), info.err());
        assertTrue(
                info.err().startsWith("error: invalid value '3' for size: not an option of dataset blobs"), info.err());
    }

    @Test
    void theResolvedOptionsAreRecordedAndEvaluateAndPredictLoadWithThem() throws IOException {
        Path runDir = temp.resolve("run");
        Run train = toolkit(
                "train",
                "--dataset",
                "drawn",
                "--dataset-option",
                "seed=3",
                "--model",
                "softmax",
                "--epochs",
                "1",
                "--batch-size",
                "32",
                "--verbose",
                "0",
                "--run-dir",
                runDir.toString());
        assertEquals(0, train.exitCode(), train.err());
        JsonNode config = JSON.readTree(runDir.resolve("config.json").toFile());
        assertEquals(
                "{\"seed\":\"3\",\"size\":\"200\"}",
                config.get("dataset_options").toString());

        String checkpoint = runDir.resolve("best.ckpt").toString();
        assertEquals(0, toolkit("evaluate", "--checkpoint", checkpoint).exitCode());
        assertEquals(new PluginOptions(Map.of("seed", "3", "size", "200")), drawn.loads.get(1));
        Run other = toolkit("evaluate", "--checkpoint", checkpoint, "--dataset-option", "seed=4", "--json");
        assertEquals(0, other.exitCode(), other.err());
        assertEquals(new PluginOptions(Map.of("seed", "4", "size", "200")), drawn.loads.get(2));
        Run predict = toolkit("predict", "--checkpoint", checkpoint, "--count", "1", "--dataset-option", "size=100");
        assertEquals(0, predict.exitCode(), predict.err());
        assertEquals(new PluginOptions(Map.of("seed", "3", "size", "100")), drawn.loads.get(3));
        Run resumed =
                toolkit("train", "--resume", runDir.resolve("last.ckpt").toString(), "--epochs", "2", "--verbose", "0");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(new PluginOptions(Map.of("seed", "3", "size", "200")), drawn.loads.get(4));
    }

    @Test
    void dataInfoShowsTheDatasetsDetailsAndResolvedOptions() throws IOException {
        Run text = toolkit("data", "info", "drawn", "--dataset-option", "seed=3");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("\ndrawn with seed 3\n"), text.out());
        assertTrue(text.out().contains("\noptions    seed=3 size=200 (as a run records them)\n"), text.out());
        assertFalse(text.out().contains("directory"), text.out());

        Run json = toolkit("data", "info", "drawn", "--dataset-option", "seed=3", "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode node = JSON.readTree(json.out());
        assertEquals("seed 3", node.get("details").get("drawn_with").asText());
        assertEquals("200", node.get("options").get("size").asText());
        assertEquals(200, node.get("splits").get("train").get("examples").asInt());
    }
}
