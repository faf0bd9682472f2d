package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.cli.fixtures.PairsDataset;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;

/** {@code toolkit train} and {@code toolkit evaluate} end to end, with the plain-Java fixtures: exit codes and text. */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NUMBER = "\\d\\.\\d{4}e[+-]\\d{2}";
    /** Dataset {@code blobs}: 300 training and 60 test examples of 3 separable classes, always present. */
    static final InMemoryDataset BLOBS = new InMemoryDataset(SyntheticData.make("blobs", 300, 60, 3, 5));

    @TempDir
    Path temp;

    Run toolkit(String... args) {
        return toolkit(false, args);
    }

    /** Runs the command line as if its output went to a terminal ({@code interactive}) or to a pipe. */
    Run toolkit(boolean interactive, String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(BLOBS, new PairsDataset()),
                List.of(new SoftmaxRegression.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        Map<String, String> environment =
                Map.of("TOOLKIT_DATA", temp.resolve("data").toString());
        return InProcessToolkit.run(new ToolkitCommand(environment, lookup, interactive), args);
    }

    private Run train(Path runDir, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--batch-size",
                "16",
                "--lr",
                "0.05",
                "--verbose",
                "1",
                "--run-dir",
                runDir.toString()));
        args.addAll(Arrays.asList(more));
        return toolkit(args.toArray(String[]::new));
    }

    @Test
    void trainPrintsTheReferencesLinesAndWritesTheRunDirectory() throws IOException {
        Path runDir = temp.resolve("run");
        Run run = train(runDir, "--epochs", "2");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertEquals(6, lines.size(), run.out());
        assertTrue(
                lines.get(0)
                        .matches("EPOCH 1 - \\|param\\|=" + NUMBER + " \\|g_param\\|=" + NUMBER + " loss=" + NUMBER
                                + " accuracy=\\d\\.\\d{4}"),
                lines.get(0));
        assertTrue(
                lines.get(1).matches("Validation - loss=" + NUMBER + " accuracy=\\d\\.\\d{4} best_loss=" + NUMBER),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("EPOCH 2 - "), lines.get(2));
        assertTrue(
                lines.get(4).matches("Test - loss=" + NUMBER + " accuracy=\\d\\.\\d{4} \\(best epoch [12] of 2\\)"),
                lines.get(4));
        assertEquals("Run directory: " + runDir + " (summary.json, metrics.jsonl, best.ckpt, last.ckpt)", lines.get(5));
        for (String file : List.of("config.json", "metrics.jsonl", "best.ckpt", "last.ckpt", "summary.json")) {
            assertTrue(Files.isRegularFile(runDir.resolve(file)), file);
        }
        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        assertEquals("blobs", summary.get("dataset").asText());
        assertEquals(SoftmaxTrainer.NAME, summary.get("trainer").asText());
        assertEquals(240, summary.get("train_examples").asInt());
        assertTrue(summary.get("test_accuracy").asDouble() > 0.9, summary.toString());
    }

    @Test
    void resumeContinuesToTheNewTotalAndEvaluateReproducesTheSummary() throws IOException {
        Path runDir = temp.resolve("run");
        assertEquals(0, train(runDir, "--epochs", "2").exitCode());
        Run resumed =
                toolkit("train", "--resume", runDir.resolve("last.ckpt").toString(), "--epochs", "3", "--verbose", "1");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().startsWith("EPOCH 3 - "), resumed.out());
        assertEquals(3, CheckpointFile.read(runDir.resolve("last.ckpt")).epoch());
        assertEquals(3, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());

        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        Run evaluate =
                toolkit("evaluate", "--checkpoint", runDir.resolve("best.ckpt").toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        JsonNode result = JSON.readTree(evaluate.out());
        assertEquals(
                summary.get("test_accuracy").asDouble(),
                result.get("test_accuracy").asDouble());
        assertEquals(
                summary.get("test_loss").asDouble(), result.get("test_loss").asDouble());
        assertEquals(summary.get("best_epoch").asInt(), result.get("epoch").asInt());
        assertEquals(60, result.get("test_examples").asInt());

        Run text =
                toolkit("evaluate", "--checkpoint", runDir.resolve("best.ckpt").toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.outLines().get(0).matches("Test - loss=" + NUMBER + " accuracy=\\d\\.\\d{4}"), text.out());
    }

    @Test
    void evaluateSaysWhichDataItScoredAndAnOlderCheckpointOfARunThatWentOnNeedsFromBest() throws IOException {
        Path runDir = temp.resolve("run");
        assertEquals(0, train(runDir, "--epochs", "1").exitCode());
        Path first = runDir.resolve("epoch1.ckpt");
        Files.copy(runDir.resolve("last.ckpt"), first);

        Run text = toolkit("evaluate", "--checkpoint", first.toString());
        assertEquals(0, text.exitCode(), text.err());
        String digest =
                org.mltoolkit.core.data.DataFingerprint.digest(BLOBS.load(temp).test());
        assertTrue(
                text.out()
                        .contains("Data: blobs test split, sha256 " + digest.substring(0, 12)
                                + " (the test split recorded in training)"),
                text.out());
        Run json = toolkit("evaluate", "--checkpoint", first.toString(), "--json");
        assertEquals(digest, JSON.readTree(json.out()).get("test_data_sha256").asText());

        Run resumed =
                toolkit("train", "--resume", runDir.resolve("last.ckpt").toString(), "--epochs", "2", "--verbose", "0");
        assertEquals(0, resumed.exitCode(), resumed.err());
        Run rewind = toolkit("train", "--resume", first.toString(), "--epochs", "3", "--verbose", "0");
        assertEquals(ExitCodes.USAGE, rewind.exitCode());
        assertEquals(1, rewind.err().lines().count(), rewind.err());
        assertTrue(
                rewind.err()
                        .startsWith("error: invalid value '" + first + "' for --resume: is epoch 1 of a run that"
                                + " went on to epoch 2 in "),
                rewind.err());
        assertTrue(rewind.err().contains("give another --run-dir, or --from-best to keep"), rewind.err());
        assertEquals(2, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());

        Run allowed = toolkit("train", "--resume", first.toString(), "--epochs", "3", "--verbose", "0", "--from-best");
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertTrue(Files.isRegularFile(runDir.resolve("metrics.epochs-2-2.jsonl")));
        assertTrue(Files.isRegularFile(runDir.resolve("last.epoch-2.ckpt")));
    }

    @Test
    void modelFnNamesTheBestCheckpointOutsideTheRunDirectory() {
        Path modelFn = temp.resolve("models/model.pth");
        Run run = train(temp.resolve("run"), "--epochs", "1", "--model-fn", modelFn.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(
                "Best checkpoint: " + modelFn, run.outLines().get(run.outLines().size() - 1));
        assertEquals(1, CheckpointFile.read(modelFn).epoch());
        assertFalse(Files.exists(temp.resolve("run/best.ckpt")));
    }

    @Test
    void aRunDirectoryThatHoldsAnotherRunNeedsOverwrite() {
        Path runDir = temp.resolve("run");
        assertEquals(0, train(runDir, "--epochs", "1").exitCode());
        Run again = train(runDir, "--epochs", "1");
        assertEquals(ExitCodes.USAGE, again.exitCode());
        assertTrue(
                again.err()
                        .startsWith("error: invalid value '" + runDir + "' for --run-dir: already holds a run "
                                + "(last.ckpt): resume it, choose another directory, or enable --overwrite"),
                again.err());
        assertEquals(0, train(runDir, "--epochs", "1", "--overwrite").exitCode());
    }

    @Test
    void augmentAloneTakesTheDefaultTransformsAndTheRunRecordsThem() throws IOException {
        Path runDir = temp.resolve("run");
        Run run = train(runDir, "--epochs", "1", "--augment");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(
                "rotate=10,shift=2,scale=0.9:1.1",
                JSON.readTree(runDir.resolve("config.json").toFile())
                        .get("augment")
                        .asText());
        Path chosen = temp.resolve("chosen");
        assertEquals(
                0,
                train(chosen, "--epochs", "1", "--augment", "rotate=5,shift=1").exitCode());
        assertEquals(
                "rotate=5,shift=1,scale=0.9:1.1",
                JSON.readTree(chosen.resolve("config.json").toFile())
                        .get("augment")
                        .asText());
        Path none = temp.resolve("none");
        assertEquals(0, train(none, "--epochs", "1").exitCode());
        assertEquals(
                "none",
                JSON.readTree(none.resolve("config.json").toFile())
                        .get("augment")
                        .asText());
        Run changed = toolkit(
                "train", "--resume", chosen.resolve("last.ckpt").toString(), "--epochs", "2", "--augment", "none");
        assertEquals(ExitCodes.USAGE, changed.exitCode());
        assertTrue(changed.err().startsWith("error: invalid value 'none' for --augment: differs from"), changed.err());
    }

    @Test
    void ensembleJoinsCheckpointsThatEvaluateAndPredictTakeAndRefusesWhatDoesNotFit() throws IOException {
        assertEquals(0, train(temp.resolve("a"), "--epochs", "1", "--seed", "1").exitCode());
        assertEquals(
                0,
                train(temp.resolve("b"), "--epochs", "1", "--seed", "2", "--augment")
                        .exitCode());
        Path ens = temp.resolve("ab.ens");
        Run made = toolkit(
                "ensemble",
                "--checkpoint",
                temp.resolve("a/best.ckpt").toString(),
                "--checkpoint",
                temp.resolve("b/best.ckpt").toString(),
                "--out",
                ens.toString());
        assertEquals(0, made.exitCode(), made.err());
        assertEquals(
                "member-1: model softmax after epoch 1, from " + temp.resolve("a/best.ckpt"),
                made.outLines().get(0));
        assertTrue(made.outLines().get(2).startsWith("Wrote " + ens + ": 2 members averaging their probabilities"));

        Run evaluate = toolkit("evaluate", "--checkpoint", ens.toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        JsonNode result = JSON.readTree(evaluate.out());
        assertEquals("ensemble", result.get("model").asText());
        assertEquals(60, result.get("test_examples").asInt());
        Run text = toolkit("evaluate", "--checkpoint", ens.toString());
        assertTrue(text.outLines().get(1).startsWith(ens + ": model ensemble, 60 test examples"), text.out());
        Run predict = toolkit("predict", "--checkpoint", ens.toString(), "--count", "2");
        assertEquals(0, predict.exitCode(), predict.err());

        Run export = toolkit(
                "export",
                "--checkpoint",
                ens.toString(),
                "--onnx",
                temp.resolve("e.onnx").toString());
        assertEquals(1, export.exitCode());
        assertEquals(
                "error: " + ens + ": member 'member-1' (model 'softmax') cannot be exported to ONNX: its plugin does"
                        + " not implement OnnxExportable\n",
                export.err());
        assertFalse(Files.exists(temp.resolve("e.onnx")));
        Run tribuo = toolkit(
                "export",
                "--checkpoint",
                ens.toString(),
                "--onnx",
                temp.resolve("e.onnx").toString(),
                "--tribuo",
                temp.resolve("e.tribuo").toString());
        assertEquals(ExitCodes.USAGE, tribuo.exitCode());
        assertTrue(tribuo.err().startsWith("error: " + ens + " is an ensemble: it is exported with --onnx only"));
        assertFalse(Files.exists(temp.resolve("e.onnx")));

        Run nothing = toolkit("ensemble", "--out", temp.resolve("none.ens").toString());
        assertEquals(ExitCodes.USAGE, nothing.exitCode());
        Run missing = toolkit(
                "ensemble",
                "--checkpoint",
                temp.resolve("nope.ckpt").toString(),
                "--out",
                temp.resolve("x.ens").toString());
        assertEquals(1, missing.exitCode());
        assertEquals(1, missing.err().lines().count(), missing.err());
        assertFalse(Files.exists(temp.resolve("x.ens")));
        Run sweep = toolkit(
                "ensemble",
                "--from-sweep",
                temp.toString(),
                "--top",
                "2",
                "--out",
                temp.resolve("y.ens").toString());
        assertEquals(1, sweep.exitCode());
        assertTrue(sweep.err().startsWith("error: " + temp.resolve("sweep.json") + ": no such file"), sweep.err());
    }

    @Test
    void aResumeThatChangesTheRunsSettingsIsAUsageError() {
        Path runDir = temp.resolve("run");
        assertEquals(0, train(runDir, "--epochs", "1").exitCode());
        Run run = toolkit(
                "train", "--resume", runDir.resolve("last.ckpt").toString(), "--epochs", "2", "--batch-size", "32");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("error: invalid value '32' for --batch-size: differs from 16"), run.err());
        Run noMore = toolkit("train", "--resume", runDir.resolve("last.ckpt").toString(), "--epochs", "1");
        assertEquals(ExitCodes.USAGE, noMore.exitCode());
        assertTrue(noMore.err().contains("for --epochs: is the total number of epochs"), noMore.err());
    }

    @Test
    void outOfRangeOptionsGetOneLineNamingTheOptionAndExitTwo() {
        String[][] cases = {
            {"--train-ratio", "1.5", "error: invalid value '1.5' for --train-ratio: must lie strictly between 0 and 1"},
            {"--batch-size", "0", "error: invalid value '0' for --batch-size: must be at least 1"},
            {"--epochs", "0", "error: invalid value '0' for --epochs: must be at least 1"},
            {"--lr", "-1", "error: invalid value '-1.0' for --lr: must be a positive number"},
            {"--verbose", "3", "error: invalid value '3' for --verbose: must be 0, 1 or 2"},
            {"--lr-schedule", "linear", "error: invalid value 'linear' for --lr-schedule:"},
            {"--augment", "rotate=200", "error: invalid value 'rotate=200' for --augment: must lie between 0 and 180"},
            {"--device", "gpu", "error: invalid value 'gpu' for --device: expected cpu, auto or cuda:N"},
            {"--limit", "1", "error: invalid value '1' for --limit: leaves 0 training and 1 validation examples"},
        };
        for (String[] c : cases) {
            Path runDir = temp.resolve("bad" + c[0]);
            Run run = toolkit(
                    "train", "--dataset", "blobs", "--model", "softmax", "--run-dir", runDir.toString(), c[0], c[1]);
            assertEquals(ExitCodes.USAGE, run.exitCode(), c[0] + ": " + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith(c[2]), run.err());
            assertEquals("", run.out());
        }
    }

    @Test
    void helpShowsEveryDefaultFromTheCore() {
        Run help = toolkit("train", "--help");
        assertEquals(0, help.exitCode());
        for (String expected : List.of(
                "--train-ratio=RATIO",
                "(default: 0.8)",
                "(default: 256)",
                "(default: 20)",
                "(default: adam)",
                "(default: 0.001)",
                "(default: auto)",
                "(default: 42)",
                "(default: cosine)",
                "--model-fn=FILE",
                "--resume=CHECKPOINT",
                "--offline",
                "--patience",
                "--min-delta",
                "--limit")) {
            assertTrue(help.out().replaceAll("\\s+", " ").contains(expected), expected + " in\n" + help.out());
        }
    }

    @Test
    void missingDataIsFetchedUnlessOffline() {
        Run offline = toolkit(
                "train",
                "--dataset",
                "pairs",
                "--model",
                "softmax",
                "--epochs",
                "1",
                "--offline",
                "--run-dir",
                temp.resolve("offline").toString());
        assertEquals(ExitCodes.ERROR, offline.exitCode());
        assertTrue(offline.err().startsWith("error: dataset 'pairs' is not in "), offline.err());
        assertFalse(Files.exists(temp.resolve("offline")));

        Run fetched = toolkit(
                "train",
                "--dataset",
                "pairs",
                "--model",
                "softmax",
                "--epochs",
                "1",
                "--verbose",
                "0",
                "--run-dir",
                temp.resolve("fetched").toString());
        assertEquals(0, fetched.exitCode(), fetched.err());
        assertTrue(Files.isRegularFile(temp.resolve("data/pairs/train.bin")));
        assertTrue(Files.isRegularFile(temp.resolve("fetched/summary.json")));
        assertEquals("", fetched.out(), "verbose 0 is quiet");
    }

    @Test
    void aNanLossStopsWithOneLineAndExitOne() {
        Path runDir = temp.resolve("nan");
        Run run = train(runDir, "--epochs", "3", "--trainer-option", "nan_at_step=20");
        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(
                run.err().startsWith("error: training stopped: the training loss became NaN in epoch 2 (step 5 of 15)"),
                run.err());
        assertTrue(run.err().contains("(epoch 1) is untouched"), run.err());
        assertEquals(1, CheckpointFile.read(runDir.resolve("best.ckpt")).epoch());
    }

    @Test
    void evaluateRefusesAnotherModelsCheckpointAndBrokenFilesInOneLine() throws IOException {
        Path runDir = temp.resolve("run");
        assertEquals(0, train(runDir, "--epochs", "1").exitCode());
        Path best = runDir.resolve("best.ckpt");
        Run wrongModel = toolkit("evaluate", "--checkpoint", best.toString(), "--model", "cnn");
        assertEquals(ExitCodes.ERROR, wrongModel.exitCode());
        assertEquals(
                "error: " + best + ": holds a 'softmax' model, not 'cnn'",
                wrongModel.err().strip());

        Path cut = temp.resolve("cut.ckpt");
        byte[] bytes = Files.readAllBytes(best);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Run truncated = toolkit("evaluate", "--checkpoint", cut.toString());
        assertEquals(ExitCodes.ERROR, truncated.exitCode());
        assertEquals(1, truncated.err().lines().count(), truncated.err());
        assertTrue(truncated.err().startsWith("error: " + cut + ": truncated"), truncated.err());

        Run missing = toolkit("evaluate");
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertTrue(missing.err().contains("--checkpoint"), missing.err());

        Run wrongShape = toolkit("evaluate", "--checkpoint", best.toString(), "--dataset", "pairs");
        assertEquals(ExitCodes.ERROR, wrongShape.exitCode());
        assertTrue(
                wrongShape.err().contains("the model takes " + SyntheticData.SHAPE + " examples in 3 classes"),
                wrongShape.err());
    }

    /** Two epochs of blobs at {@code --verbose 2}, as if the output went to a terminal or not. */
    private Run verboseTwo(boolean interactive, String runDir) {
        return toolkit(
                interactive,
                "train",
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--batch-size",
                "16",
                "--epochs",
                "2",
                "--verbose",
                "2",
                "--run-dir",
                temp.resolve(runDir).toString());
    }

    @Test
    void withoutATerminalVerboseTwoPrintsTheEpochLinesAndNoBarRedraws() {
        Run run = verboseTwo(false, "piped");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("EPOCH 1 - ") && run.out().contains("EPOCH 2 - "), run.out());
        assertTrue(run.out().contains("Validation - loss="), run.out());
        for (String stream : List.of(run.out(), run.err())) {
            assertFalse(stream.contains("\r"), "a carriage return redraws a line: " + stream);
            assertFalse(stream.contains("Epoch 1/2") || stream.contains("img/s"), stream);
        }
    }

    @Test
    void onATerminalVerboseTwoDrawsATrainingAndAValidationBarPerEpoch() {
        Run run = verboseTwo(true, "terminal");
        assertEquals(0, run.exitCode(), run.err());
        // 300 examples: 240 train, 60 validate.
        assertTrue(run.err().contains("Epoch 2/2") && run.err().contains("240/240"), run.err());
        assertTrue(run.err().contains("Validation 2/2") && run.err().contains("60/60"), run.err());
        assertTrue(run.out().contains("EPOCH 2 - "), run.out());
    }
}
