package org.mltoolkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.ToolkitCommand;
import picocli.CommandLine;

/** The sweep's plan (grid, seeds, names, refusals) and the command's usage errors, without Spark. */
class SweepPlanTest {
    @TempDir
    Path temp;

    @Test
    void everyCombinationWithEverySeedNamedAfterItsSettings() {
        SweepPlan plan = new SweepPlan(
                List.of("--model", "cnn"), SweepPlan.parseGrid(List.of("lr=1e-3,3e-4", "--batch-size=128,256")), 2, 1);
        List<SweepPlan.Run> runs = plan.runs();
        assertEquals(8, runs.size());
        assertEquals("lr=1e-3_batch-size=128_seed=1", runs.get(0).name());
        assertEquals("lr=1e-3_batch-size=128_seed=2", runs.get(1).name());
        assertEquals("lr=3e-4_batch-size=256_seed=2", runs.get(7).name());
        assertEquals(
                List.of("--model", "cnn", "--lr", "3e-4", "--batch-size", "256", "--seed", "2"),
                runs.get(7).trainOptions());
        assertEquals(
                Map.of("lr", "3e-4", "batch-size", "256", "seed", "2"),
                runs.get(7).settings());
        SweepPlan single = new SweepPlan(List.of("--seed", "7"), Map.of(), 0, 1);
        assertEquals(
                List.of("run"), single.runs().stream().map(SweepPlan.Run::name).toList());
        assertEquals(
                "a_b=1",
                new SweepPlan(List.of(), SweepPlan.parseGrid(List.of("a/b=1")), 0, 1)
                        .runs()
                        .get(0)
                        .name());
    }

    @Test
    void refusesWhatTheSweepSetsOrCannotVary() {
        assertRefused("--run-dir is set by the sweep", List.of("--run-dir", "x"), List.of(), 0);
        assertRefused("--verbose is set by the sweep", List.of("--verbose=1"), List.of(), 0);
        assertRefused("--seed cannot be given with --seeds", List.of("--seed", "3"), List.of(), 2);
        assertRefused("'lr' for --grid: also given as --lr", List.of("--lr", "1"), List.of("lr=1,2"), 0);
        assertRefused("needs distinct values", List.of(), List.of("lr=1,1"), 0);
        assertRefused("'resume' for --grid", List.of(), List.of("resume=a,b"), 0);
        assertRefused("two runs would share the directory name a=x_y", List.of(), List.of("a=x/y,x_y"), 0);
        IllegalArgumentException noEquals =
                assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseGrid(List.of("lr")));
        assertEquals("invalid value 'lr' for --grid: must be OPTION=VALUE,VALUE,...", noEquals.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.parseGrid(List.of("lr=1,,2")));
    }

    private static void assertRefused(String expected, List<String> options, List<String> grid, int seeds) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new SweepPlan(options, SweepPlan.parseGrid(grid), seeds, 1));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void commandRefusesBadLinesBeforeSparkStarts() throws Exception {
        Path out = temp.resolve("sweep");
        assertUsage("train refuses the options: Unknown option: '--bogus'", "sweep", "--bogus", "--out", out);
        assertUsage(
                "run lr=x_seed=1: train refuses its options: Invalid value for option '--lr': 'x' is not a double",
                "sweep",
                "--grid",
                "lr=1,x",
                "--seeds",
                "1",
                "--out",
                out);
        assertUsage("give either --out DIR or --resume DIR", "sweep", "--grid", "lr=1,2");
        assertUsage("--run-dir is set by the sweep", "sweep", "--run-dir", "x", "--out", out);
        assertTrue(Files.notExists(out), "nothing written");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        String[] args = {"sweep", "--out", out.toString()};
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, args));
        assertTrue(err.toString().contains(out + ": is not empty"), err.toString());
        assertEquals(List.of(out.resolve("notes.txt")), Files.list(out).toList());
    }

    private void assertUsage(String expected, Object... args) {
        StringWriter err = new StringWriter();
        assertEquals(
                2, run(err, java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new)));
        assertTrue(err.toString().contains(expected), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    private int run(StringWriter err, String... args) {
        try (ToolkitCommand root = new ToolkitCommand(Map.of("TOOLKIT_DATA", temp.toString()), null)) {
            CommandLine commandLine = ToolkitCommand.commandLine(root);
            commandLine.setOut(new PrintWriter(new StringWriter(), true));
            commandLine.setErr(new PrintWriter(err, true));
            return commandLine.execute(args);
        }
    }
}
