package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.ReportingSoftmax;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;

/** Commands never write over their own inputs, nor over a file the toolkit did not write unless told to. */
class OutputSafetyCommandTest {
    @TempDir
    Path temp;

    private Run toolkit(String... args) {
        StaticExtensions lookup = new StaticExtensions(
                List.of(TrainCommandTest.BLOBS),
                List.of(new SoftmaxRegression.Provider(), new ReportingSoftmax.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
        return InProcessToolkit.run(temp.resolve("data"), lookup, args);
    }

    /** Trains {@code model} for one epoch into {@code temp/<name>}; returns that run directory. */
    private Path train(String model, String name) {
        Path runDir = temp.resolve(name);
        Run run = toolkit(
                "train",
                "--dataset",
                "blobs",
                "--model",
                model,
                "--batch-size",
                "16",
                "--epochs",
                "1",
                "--verbose",
                "0",
                "--run-dir",
                runDir.toString());
        assertEquals(0, run.exitCode(), run.err());
        return runDir;
    }

    private static void assertRefused(Run run, String expected) {
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("error: " + expected), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void anOutputThatIsAnInputOfTheSameCommandIsRefusedThroughLinksAndDotDot() throws IOException {
        Path runDir = train("softmax", "run");
        Path best = runDir.resolve("best.ckpt");
        byte[] bestBytes = Files.readAllBytes(best);
        Path last = runDir.resolve("last.ckpt");
        byte[] lastBytes = Files.readAllBytes(last);
        Path link = temp.resolve("link.ckpt");
        Files.createSymbolicLink(link, best);

        for (String onnx :
                List.of(best.toString(), runDir.resolve("../run/best.ckpt").toString(), link.toString())) {
            assertRefused(
                    toolkit("export", "--checkpoint", best.toString(), "--onnx", onnx, "--overwrite"),
                    "invalid value '" + onnx + "' for --onnx: is the file given as --checkpoint, which this command"
                            + " reads");
        }
        assertRefused(
                toolkit("predict", "--checkpoint", last.toString(), "--png", last.toString()),
                "invalid value '" + last + "' for --png: is the file given as --checkpoint");
        assertArrayEquals(bestBytes, Files.readAllBytes(best));
        assertArrayEquals(lastBytes, Files.readAllBytes(last));
    }

    @Test
    void anExistingFileTheToolkitDidNotWriteIsReplacedOnlyWithOverwrite() throws IOException {
        Path runDir = train("softmax", "run");
        Path summary = runDir.resolve("summary.json");
        String summaryText = Files.readString(summary);
        Path unrelated = temp.resolve("notes.txt");
        Files.writeString(unrelated, "my notes");

        for (Path target : List.of(summary, unrelated)) {
            Run run = toolkit(
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
                    temp.resolve("second").toString(),
                    "--model-fn",
                    target.toString());
            assertRefused(
                    run,
                    "invalid value '" + target + "' for --model-fn: exists and is not a checkpoint this toolkit"
                            + " wrote; name another file, or enable --overwrite to replace it");
        }
        assertEquals(summaryText, Files.readString(summary));
        assertEquals("my notes", Files.readString(unrelated));
        assertRefused(
                toolkit(
                        "export",
                        "--checkpoint",
                        runDir.resolve("best.ckpt").toString(),
                        "--onnx",
                        unrelated.toString()),
                "invalid value '" + unrelated + "' for --onnx: exists and is not an ONNX model this toolkit wrote");
        assertEquals("my notes", Files.readString(unrelated));

        Path picture = temp.resolve("picture.png");
        Files.writeString(picture, "not the toolkit's picture");
        String checkpoint = runDir.resolve("best.ckpt").toString();
        assertRefused(
                toolkit("predict", "--checkpoint", checkpoint, "--png", picture.toString()),
                "invalid value '" + picture + "' for --png: exists and is not a PNG picture this toolkit wrote");
        assertEquals("not the toolkit's picture", Files.readString(picture));

        Run replaced = toolkit("predict", "--checkpoint", checkpoint, "--png", picture.toString(), "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertTrue(OutputFiles.Kind.PNG.writtenByToolkit(picture));
        Run again = toolkit("predict", "--checkpoint", checkpoint, "--png", picture.toString());
        assertEquals(0, again.exitCode(), "the toolkit's own picture is replaced without --overwrite: " + again.err());
    }

    @Test
    void formatExportsFollowTheSameRuleAndARefusalWritesNoOutputAtAll() throws IOException {
        Path runDir = train(ReportingSoftmax.NAME, "reporting");
        Path best = runDir.resolve("best.ckpt");
        byte[] bestBytes = Files.readAllBytes(best);
        assertRefused(
                toolkit("export", "--checkpoint", best.toString(), "--format", "text=" + best, "--overwrite"),
                "invalid value '" + best + "' for --format: is the file given as --checkpoint, which this command"
                        + " reads");
        assertRefused(
                toolkit(
                        "export",
                        "--checkpoint",
                        best.toString(),
                        "--tribuo",
                        runDir.resolve("../reporting/best.ckpt").toString()),
                "invalid value '" + runDir.resolve("../reporting/best.ckpt") + "' for --tribuo: is the file given as"
                        + " --checkpoint");
        assertArrayEquals(bestBytes, Files.readAllBytes(best));

        Path notes = temp.resolve("notes.txt");
        Files.writeString(notes, "my notes");
        Path onnx = temp.resolve("model.onnx");
        assertRefused(
                toolkit(
                        "export",
                        "--checkpoint",
                        best.toString(),
                        "--onnx",
                        onnx.toString(),
                        "--format",
                        "text=" + notes),
                "invalid value '" + notes + "' for --format: exists and is not a model file this toolkit wrote; name"
                        + " another file, or enable --overwrite to replace it");
        assertEquals("my notes", Files.readString(notes));
        assertTrue(Files.notExists(onnx), "the ONNX output is not written when another output is refused");

        Run replaced = toolkit("export", "--checkpoint", best.toString(), "--format", "text=" + notes, "--overwrite");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertTrue(OutputFiles.Kind.MODEL_FILE.writtenByToolkit(notes));
        Run again = toolkit("export", "--checkpoint", best.toString(), "--format", "text=" + notes);
        assertEquals(0, again.exitCode(), "the toolkit's own export is replaced without --overwrite: " + again.err());
    }
}
