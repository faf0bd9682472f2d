package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.core.checkpoint.OutputFiles;

/**
 * The toolkit as a user runs it: the launcher ({@code ./toolkit}) with the plugin jars the build dropped into the
 * plugins directory, on a tiny MNIST-shaped IDX dataset written here (240 training and 40 test images of 28x28 in 10
 * classes, each class a bright bar at its own place, so that training has something to learn). Runs in the
 * {@code verify} phase, after packaging; the launcher and the plugins directory come from system properties.
 */
class EndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIDE = 28;

    @TempDir
    static Path work;

    private static Path data;

    record Run(int exitCode, String out, String err) {
        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @BeforeAll
    static void writeDataset() throws IOException {
        data = work.resolve("data");
        Path mnist = Files.createDirectories(data.resolve("mnist"));
        writeIdx(mnist, "train", 240, 1);
        writeIdx(mnist, "t10k", 40, 2);
    }

    @Test
    void fcTrainsResumesEvaluatesPredictsAndExportsThroughThePluginJars() throws IOException {
        Path runDir = trainResumeEvaluatePredict("fc");
        Path onnx = work.resolve("fc.onnx");
        Path tribuo = work.resolve("fc.tribuo");
        Run export = toolkit(
                "export",
                "--checkpoint",
                runDir.resolve("best.ckpt").toString(),
                "--onnx",
                onnx.toString(),
                "--tribuo",
                tribuo.toString());
        assertEquals(0, export.exitCode(), export.describe());
        assertTrue(OutputFiles.Kind.ONNX.writtenByToolkit(onnx), "fc's ONNX file names the toolkit as producer");
        assertTrue(OutputFiles.Kind.MODEL_FILE.writtenByToolkit(tribuo), "fc's Tribuo file names the toolkit");
    }

    @Test
    void cnnTrainsResumesEvaluatesPredictsAndExportsThroughThePluginJars() throws IOException {
        Path runDir = trainResumeEvaluatePredict("cnn");
        Path onnx = work.resolve("cnn.onnx");
        Run export =
                toolkit("export", "--checkpoint", runDir.resolve("best.ckpt").toString(), "--onnx", onnx.toString());
        assertEquals(0, export.exitCode(), export.describe());
        assertTrue(OutputFiles.Kind.ONNX.writtenByToolkit(onnx));
    }

    /**
     * SIGTERM while a cnn trains (the launcher execs the JVM, so the signal reaches it), once while ONNX Runtime
     * opens the training session or runs the first step and once a little later: the native calls in flight return
     * before ONNX Runtime is torn down, so the JVM ends as SIGTERM ends it (exit code 143) instead of dying of SIGSEGV
     * with an {@code hs_err_pid<N>.log} in the working directory (before the guard, one such signal in two crashed);
     * a run's last checkpoint, when it wrote one, still resumes.
     */
    @Test
    void sigtermDuringCnnTrainingEndsWithoutACrashAndTheRunResumes() throws IOException, InterruptedException {
        // 800 of 1,000 images train in one step an epoch, so the run spends its time inside ONNX Runtime.
        Path largerData = work.resolve("larger-data");
        Path mnist = Files.createDirectories(largerData.resolve("mnist"));
        writeIdx(mnist, "train", 1000, 3);
        writeIdx(mnist, "t10k", 40, 4);
        Map<String, String> environment = Map.of("TOOLKIT_DATA", largerData.toString());
        for (long delayMillis : new long[] {1000, 1600}) {
            Path directory = Files.createDirectories(work.resolve("signalled-" + delayMillis));
            Path runDir = directory.resolve("run");
            Started train = start(
                    directory,
                    environment,
                    "train",
                    "--offline",
                    "--model",
                    "cnn",
                    "--epochs",
                    "500",
                    "--batch-size",
                    "800",
                    "--threads",
                    "1",
                    "--verbose",
                    "1",
                    "--run-dir",
                    runDir.toString());
            // The first output (the device line on a machine without a GPU, else the first epoch's line) comes
            // just before ONNX Runtime opens the training session and runs the first step.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (Files.size(train.out()) + Files.size(train.err()) == 0) {
                if (!train.process().isAlive()) {
                    throw new AssertionError("training ended before any output: "
                            + train.await(1).describe());
                }
                assertTrue(System.nanoTime() < deadline, "no output within 2 minutes");
                Thread.sleep(20);
            }
            Thread.sleep(delayMillis);
            train.process().destroy(); // SIGTERM
            Run ended = train.await(2);

            String after = "SIGTERM " + delayMillis + " ms after the first output: " + ended.describe();
            try (var files = Files.list(directory)) {
                List<String> crashLogs = files.map(f -> f.getFileName().toString())
                        .filter(name -> name.startsWith("hs_err"))
                        .toList();
                assertEquals(List.of(), crashLogs, "no JVM crash log in the working directory; " + after);
            }
            assertFalse(ended.out().contains("fatal error") || ended.err().contains("fatal error"), after);
            assertEquals(128 + 15, ended.exitCode(), "the JVM ends as SIGTERM ends it; " + after);

            Path last = runDir.resolve("last.ckpt");
            if (Files.isRegularFile(last)) {
                int epochsDone =
                        Files.readAllLines(runDir.resolve("metrics.jsonl")).size();
                Run resume = toolkit(
                        environment,
                        "train",
                        "--resume",
                        last.toString(),
                        "--epochs",
                        String.valueOf(epochsDone + 1),
                        "--verbose",
                        "0");
                assertEquals(0, resume.exitCode(), resume.describe());
                assertEquals(
                        epochsDone + 1,
                        JSON.readTree(runDir.resolve("summary.json").toFile())
                                .get("epochs_run")
                                .asInt());
            }
        }
    }

    @Test
    void corruptInputsAreOneLineNamingTheFileAndWriteNothing() throws IOException {
        Path checkpoint = work.resolve("corrupt.ckpt");
        Files.write(checkpoint, "MLTKCKPT and then nothing a checkpoint holds".getBytes(StandardCharsets.US_ASCII));
        Run evaluate = toolkit("evaluate", "--checkpoint", checkpoint.toString());
        assertEquals(ExitCodes.ERROR, evaluate.exitCode(), evaluate.describe());
        assertEquals(1, evaluate.err().strip().lines().count(), evaluate.describe());
        assertTrue(
                evaluate.err().startsWith("error: ") && evaluate.err().contains(checkpoint.toString()),
                evaluate.describe());

        Path brokenData = work.resolve("broken-data");
        Path mnist = Files.createDirectories(brokenData.resolve("mnist"));
        for (String name : List.of(
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            Files.copy(data.resolve("mnist").resolve(name), mnist.resolve(name));
        }
        Path labels = mnist.resolve("train-labels-idx1-ubyte");
        byte[] bytes = Files.readAllBytes(labels);
        Files.write(labels, Arrays.copyOf(bytes, bytes.length - 10)); // truncated
        Path runDir = work.resolve("never");
        Run train = toolkit(
                Map.of("TOOLKIT_DATA", brokenData.toString()),
                "train",
                "--offline",
                "--model",
                "fc",
                "--epochs",
                "1",
                "--verbose",
                "0",
                "--run-dir",
                runDir.toString());
        assertEquals(ExitCodes.ERROR, train.exitCode(), train.describe());
        assertEquals(1, train.err().strip().lines().count(), train.describe());
        assertTrue(train.err().contains("train-labels-idx1-ubyte"), train.describe());
        assertTrue(Files.notExists(runDir), "nothing is written for a run that cannot load its data");
    }

    /**
     * Trains {@code model} for one epoch, resumes it for a second, evaluates the best checkpoint and predicts with it
     * into a PNG; returns the run directory.
     */
    private Path trainResumeEvaluatePredict(String model) throws IOException {
        Path runDir = work.resolve("runs").resolve(model);
        Run train = toolkit(
                "train",
                "--offline",
                "--model",
                model,
                "--epochs",
                "1",
                "--batch-size",
                "32",
                "--verbose",
                "0",
                "--run-dir",
                runDir.toString());
        assertEquals(0, train.exitCode(), train.describe());
        for (String file : List.of("config.json", "metrics.jsonl", "best.ckpt", "last.ckpt", "summary.json")) {
            assertTrue(Files.isRegularFile(runDir.resolve(file)), file + " missing after " + train.describe());
        }
        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        assertEquals(model, summary.get("model").asText());
        assertEquals(192, summary.get("train_examples").asInt(), "80% of 240 images train");

        Run resume =
                toolkit("train", "--resume", runDir.resolve("last.ckpt").toString(), "--epochs", "2", "--verbose", "0");
        assertEquals(0, resume.exitCode(), resume.describe());
        assertEquals(2, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());
        assertEquals(
                2,
                JSON.readTree(runDir.resolve("summary.json").toFile())
                        .get("epochs_run")
                        .asInt());

        Run evaluate =
                toolkit("evaluate", "--checkpoint", runDir.resolve("best.ckpt").toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.describe());
        JsonNode result = JSON.readTree(evaluate.out());
        assertEquals(40, result.get("test_examples").asInt(), evaluate.describe());
        assertEquals(model, result.get("model").asText());

        Path picture = work.resolve(model + "-predictions.png");
        Run predict = toolkit(
                "predict",
                "--checkpoint",
                runDir.resolve("best.ckpt").toString(),
                "--count",
                "4",
                "--png",
                picture.toString());
        assertEquals(0, predict.exitCode(), predict.describe());
        assertTrue(OutputFiles.Kind.PNG.writtenByToolkit(picture), predict.describe());
        return runDir;
    }

    private Run toolkit(String... args) throws IOException {
        return toolkit(Map.of(), args);
    }

    /** Runs the launcher with {@code args} in the work directory, on the dataset written here unless overridden. */
    private Run toolkit(Map<String, String> environment, String... args) throws IOException {
        return start(work, environment, args).await(5);
    }

    /** A launcher process and the files its output goes to. */
    private record Started(Process process, Path out, Path err, List<String> args) {
        /** Waits up to {@code minutes} for the process to end (killing it after that) and returns how it ended. */
        Run await(int minutes) throws IOException {
            try {
                if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(
                            "toolkit " + String.join(" ", args) + " did not end within " + minutes + " minutes");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }

    /**
     * Starts the launcher with {@code args} in {@code directory}, on the dataset written here unless
     * {@code environment} overrides it; its output goes to two files in the work directory.
     */
    private Started start(Path directory, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", launcher().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().put("TOOLKIT_DATA", data.toString());
        builder.environment()
                .put("TOOLKIT_PLUGINS", property("toolkit.plugins.dir").toString());
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Started(process, out, err, List.of(args));
    }

    private static Path launcher() {
        Path launcher = property("toolkit.launcher");
        assertTrue(Files.isRegularFile(launcher), "no launcher at " + launcher);
        return launcher;
    }

    private static Path property(String name) {
        String value = System.getProperty(name);
        assertTrue(value != null && !value.isBlank(), "system property " + name + " is not set (run through failsafe)");
        return Path.of(value);
    }

    /** Writes {@code <prefix>-images-idx3-ubyte} and {@code <prefix>-labels-idx1-ubyte} with {@code count} images. */
    private static void writeIdx(Path dir, String prefix, int count, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] labels = new byte[count];
        byte[] pixels = new byte[count * SIDE * SIDE];
        for (int i = 0; i < count; i++) {
            int label = i % 10;
            labels[i] = (byte) label;
            int row = 2 + label * 2 + random.nextInt(2);
            for (int x = 4; x < SIDE - 4; x++) {
                pixels[i * SIDE * SIDE + row * SIDE + x] = (byte) (200 + random.nextInt(56));
            }
        }
        try (OutputStream file = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"));
                DataOutputStream out = new DataOutputStream(file)) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            out.write(pixels);
        }
        try (OutputStream file = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte"));
                DataOutputStream out = new DataOutputStream(file)) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            out.write(labels);
        }
    }
}
