package org.mltoolkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.ToolkitCommand;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;
import picocli.CommandLine;

/**
 * A sweep on Spark ({@code local[2]}) end to end with the core's plain-Java model and data: results equal to
 * {@code train} run alone, a failing run reported without stopping the others, and a second pass over the same
 * directory (a resumed sweep, or tasks Spark runs again) that neither trains finished runs again nor adds
 * directories, and resumes an interrupted run to the result it would have had.
 */
class SweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** Dataset {@code blobs}, model {@code softmax}, trainer: made anew in each executor. */
    static ExtensionLookup extensions() {
        return new StaticExtensions(
                List.of(new InMemoryDataset(SyntheticData.make("blobs", 300, 60, 3, 5))),
                List.of(new SoftmaxRegression.Provider()),
                List.of(new SoftmaxTrainer.Provider()));
    }

    @Test
    void runsTheGridLikeTrainAloneReportsFailuresAndNeverRunsARunTwice() throws IOException {
        // A constant rate, so that the first 2 epochs of a 3-epoch run are those of a 2-epoch run (the resume below).
        List<String> shared =
                List.of("--dataset", "blobs", "--model", "softmax", "--epochs", "3", "--lr-schedule", "none");
        SweepPlan plan = new SweepPlan(shared, SweepPlan.parseGrid(List.of("lr=0.05,0.2", "batch-size=16,0")), 0, 1);
        Path dir = temp.resolve("sweep");
        List<String> global = List.of("--data-dir", temp.resolve("data").toString());

        List<RunOutcome> outcomes = new Sweep(plan, dir)
                .master("local[2]")
                .toolkit(global, null)
                .extensions(SweepTest::extensions)
                .run();

        assertEquals(4, outcomes.size());
        List<RunOutcome> finished =
                outcomes.stream().filter(RunOutcome::finished).toList();
        assertEquals(
                List.of("new", "new"), finished.stream().map(RunOutcome::origin).toList());
        assertEquals(outcomes.subList(0, 2), finished, "finished runs first");
        assertTrue(finished.get(0).bestValidLoss() <= finished.get(1).bestValidLoss(), "best first");
        for (RunOutcome failed : outcomes.subList(2, 4)) {
            assertEquals(RunOutcome.FAILED, failed.status());
            assertEquals("0", failed.settings().get("batch-size"));
            assertTrue(failed.error().contains("--batch-size"), failed.error());
        }

        // Each finished run equals the same configuration trained alone with train.
        for (RunOutcome run : finished) {
            Path alone = temp.resolve("alone-" + run.name());
            List<String> args = new ArrayList<>(
                    List.of("train", "--data-dir", temp.resolve("data").toString()));
            args.addAll(shared);
            args.addAll(List.of(
                    "--lr",
                    run.settings().get("lr"),
                    "--batch-size",
                    run.settings().get("batch-size")));
            args.addAll(List.of("--threads", "1", "--verbose", "0", "--run-dir", alone.toString()));
            assertEquals(0, toolkit(args));
            JsonNode trained = JSON.readTree(alone.resolve("summary.json").toFile());
            assertEquals(trained.get("best_valid_loss").asDouble(), run.bestValidLoss(), 0.0, run.name());
            assertEquals(trained.get("test_loss").asDouble(), run.testLoss(), 0.0, run.name());
            assertEquals(trained.get("test_accuracy").asDouble(), run.testAccuracy(), 0.0, run.name());
            assertEquals(
                    Files.readString(alone.resolve("metrics.jsonl")).lines().count(),
                    Files.readString(dir.resolve(run.name()).resolve("metrics.jsonl"))
                            .lines()
                            .count());
        }

        // sweep.json as toolkit ensemble --from-sweep reads it: run_dir, status, best_valid_loss, best first.
        JsonNode file = JSON.readTree(dir.resolve("sweep.json").toFile());
        assertEquals(4, file.get("runs").size());
        JsonNode best = file.get("runs").get(0);
        assertEquals(finished.get(0).name(), best.get("run_dir").asText());
        assertEquals("finished", best.get("status").asText());
        assertEquals(
                finished.get(0).bestValidLoss(), best.get("best_valid_loss").asDouble(), 0.0);
        assertTrue(Files.isRegularFile(dir.resolve(best.get("run_dir").asText()).resolve("best.ckpt")));
        assertEquals("failed", file.get("runs").get(3).get("status").asText());
        assertEquals(plan, SweepFile.readPlan(dir));

        // A second pass (a resumed sweep, or Spark running the tasks again) reads finished runs and adds nothing,
        // and resumes a run that was interrupted after 2 of its 3 epochs (its directory as train leaves it after 2
        // epochs, without summary.json): the run ends as it did uninterrupted.
        RunOutcome interrupted = finished.get(1);
        Path interruptedDir = dir.resolve(interrupted.name());
        List<Path> before = listing(dir);
        String metrics = Files.readString(dir.resolve(finished.get(0).name()).resolve("metrics.jsonl"));
        deleteTree(interruptedDir);
        List<String> twoEpochs = new ArrayList<>(
                List.of("train", "--data-dir", temp.resolve("data").toString()));
        twoEpochs.addAll(List.of(
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--lr-schedule",
                "none",
                "--epochs",
                "2",
                "--lr",
                interrupted.settings().get("lr"),
                "--batch-size",
                interrupted.settings().get("batch-size"),
                "--threads",
                "1",
                "--verbose",
                "0",
                "--run-dir",
                interruptedDir.toString()));
        assertEquals(0, toolkit(twoEpochs));
        Files.delete(interruptedDir.resolve("summary.json"));
        assertEquals(2, CheckpointFile.read(interruptedDir.resolve("last.ckpt")).epoch());

        List<RunOutcome> again = new Sweep(SweepFile.readPlan(dir), dir)
                .master("local[2]")
                .toolkit(global, null)
                .extensions(SweepTest::extensions)
                .run();
        Map<String, String> origins = new java.util.TreeMap<>();
        again.stream().filter(RunOutcome::finished).forEach(o -> origins.put(o.name(), o.origin()));
        assertEquals(
                new java.util.TreeMap<>(Map.of(finished.get(0).name(), "done", interrupted.name(), "resumed")),
                origins);
        for (RunOutcome run : again.stream().filter(RunOutcome::finished).toList()) {
            RunOutcome uninterrupted = run.name().equals(interrupted.name()) ? interrupted : finished.get(0);
            assertEquals(uninterrupted.bestValidLoss(), run.bestValidLoss(), 0.0, run.name());
            assertEquals(uninterrupted.testLoss(), run.testLoss(), 0.0, run.name());
            assertEquals(uninterrupted.testAccuracy(), run.testAccuracy(), 0.0, run.name());
            assertNull(run.error());
        }
        assertEquals(
                metrics.lines().count(),
                Files.readString(interruptedDir.resolve("metrics.jsonl"))
                        .lines()
                        .count(),
                "the resumed run's metrics hold its 3 epochs once each");
        assertEquals(2, again.stream().filter(o -> !o.finished()).count());
        assertEquals(before, listing(dir));
        assertEquals(
                metrics, Files.readString(dir.resolve(finished.get(0).name()).resolve("metrics.jsonl")));
    }

    /** Runs the command line with {@code args} and the test's extensions, its output dropped; the exit code. */
    private static int toolkit(List<String> args) {
        try (ToolkitCommand root = new ToolkitCommand(Map.of(), extensions())) {
            CommandLine commandLine = ToolkitCommand.commandLine(root);
            commandLine.setOut(new PrintWriter(new StringWriter(), true));
            return commandLine.execute(args.toArray(String[]::new));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }
}
