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
 * directory (a resumed sweep, or tasks Spark runs again) that neither trains again nor adds directories.
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
        List<String> shared = List.of("--dataset", "blobs", "--model", "softmax", "--epochs", "3");
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
            try (ToolkitCommand root = new ToolkitCommand(Map.of(), extensions())) {
                CommandLine commandLine = ToolkitCommand.commandLine(root);
                commandLine.setOut(new PrintWriter(new StringWriter(), true));
                assertEquals(0, commandLine.execute(args.toArray(String[]::new)));
            }
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

        // A second pass (a resumed sweep, or Spark running the tasks again) reads finished runs and adds nothing.
        List<Path> before = listing(dir);
        String metrics = Files.readString(dir.resolve(finished.get(0).name()).resolve("metrics.jsonl"));
        List<RunOutcome> again = new Sweep(SweepFile.readPlan(dir), dir)
                .master("local[2]")
                .toolkit(global, null)
                .extensions(SweepTest::extensions)
                .run();
        assertEquals(
                List.of("done", "done"),
                again.stream()
                        .filter(RunOutcome::finished)
                        .map(RunOutcome::origin)
                        .toList());
        assertEquals(finished.get(0).bestValidLoss(), again.get(0).bestValidLoss());
        assertNull(again.get(0).error());
        assertEquals(2, again.stream().filter(o -> !o.finished()).count());
        assertEquals(before, listing(dir));
        assertEquals(
                metrics, Files.readString(dir.resolve(finished.get(0).name()).resolve("metrics.jsonl")));
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }
}
