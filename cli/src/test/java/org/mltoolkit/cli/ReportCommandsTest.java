package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.cli.InProcessToolkit.Run;

/** {@code report}, {@code compare} and {@code train --report} end to end with the core's test model. */
class ReportCommandsTest {
    @TempDir
    Path temp;

    private final TrainCommandTest commands = new TrainCommandTest();

    @BeforeEach
    void shareTheTemporaryDirectory() {
        commands.temp = temp;
    }

    private Run toolkit(String... args) {
        return commands.toolkit(args);
    }

    private Run train(Path runDir, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--dataset",
                "blobs",
                "--model",
                "softmax",
                "--batch-size",
                "16",
                "--verbose",
                "1",
                "--epochs",
                "2",
                "--run-dir",
                runDir.toString()));
        args.addAll(Arrays.asList(more));
        return toolkit(args.toArray(String[]::new));
    }

    private static Document page(Path file) throws IOException {
        return Jsoup.parse(Files.readString(file));
    }

    @Test
    void trainWithReportLeavesTheEndedRunsPageWithTestResults() throws IOException {
        Path runDir = temp.resolve("run");
        Run run = train(runDir, "--report");
        assertEquals(0, run.exitCode(), run.err());
        Path index = runDir.resolve("report").resolve("index.html");
        assertTrue(run.out().contains("Report: " + index), run.out());
        Document doc = page(index);
        assertTrue(doc.getElementById("status").text().startsWith("Ended after 2 of 2 epochs"));
        assertTrue(doc.select("script").isEmpty(), "the ended run's page stops reloading");
        long sum = doc.select("table.confusion td.cell").stream()
                .mapToLong(td -> Long.parseLong(td.attr("data-count")))
                .sum();
        assertEquals(TrainCommandTest.BLOBS.load(temp).test().size(), sum);
        for (String src : doc.select("img").eachAttr("src")) {
            assertTrue(Files.isRegularFile(index.getParent().resolve(src)), src);
        }
    }

    @Test
    void reportOfARunDirectoryWritesItsPageAndRefusesBadInputInOneLine() throws IOException {
        Path runDir = temp.resolve("run");
        assertEquals(0, train(runDir).exitCode());

        Run report = toolkit("report", runDir.toString());
        assertEquals(0, report.exitCode(), report.err());
        Path index = runDir.resolve("report").resolve("index.html");
        assertEquals("Report: " + index, report.out().strip());
        assertFalse(page(index).select("#mistakes").isEmpty());

        Run notARun = toolkit("report", temp.toString());
        assertEquals(1, notARun.exitCode());
        assertEquals(
                "error: " + temp + " is not a run directory: it has no config.json (train writes one)",
                notARun.err().strip());

        Path file = Files.writeString(temp.resolve("file"), "x");
        Run unwritable = toolkit(
                "report", runDir.toString(), "--out", file.resolve("out").toString());
        assertEquals(1, unwritable.exitCode());
        assertEquals(1, unwritable.err().strip().lines().count(), unwritable.err());
        assertTrue(unwritable.err().startsWith("error: " + file.resolve("out")), unwritable.err());

        Path metrics = runDir.resolve("metrics.jsonl");
        Files.writeString(metrics, Files.readString(metrics) + "{\"epoch\": 3, \"train_lo\n");
        Files.delete(index);
        Run corrupt = toolkit("report", runDir.toString());
        assertEquals(1, corrupt.exitCode());
        assertTrue(corrupt.err().startsWith("error: " + metrics + " line 3: not a metrics row"), corrupt.err());
        assertFalse(Files.exists(index), "nothing is written for a run that cannot be read");
    }

    @Test
    void reportOfAnEnsembleShowsItsMembersBesideTheEnsemblesTestEvaluation() throws IOException {
        Path first = temp.resolve("first");
        Path second = temp.resolve("second");
        assertEquals(0, train(first).exitCode());
        assertEquals(0, train(second, "--lr", "0.05", "--seed", "7").exitCode());
        Path ens = temp.resolve("two.ens");
        Run made = toolkit(
                "ensemble",
                "--checkpoint",
                first.resolve("best.ckpt").toString(),
                "--checkpoint",
                second.resolve("best.ckpt").toString(),
                "--out",
                ens.toString());
        assertEquals(0, made.exitCode(), made.err());

        Run noOut = toolkit("report", ens.toString());
        assertEquals(ExitCodes.USAGE, noOut.exitCode());
        assertTrue(
                noOut.err()
                        .startsWith("error: " + ens + " is an ensemble file: name the report's directory with --out"),
                noOut.err());
        assertFalse(Files.exists(temp.resolve("two.ens").resolve("report")));

        Path out = temp.resolve("ens-report");
        Run report = toolkit("report", ens.toString(), "--out", out.toString());
        assertEquals(0, report.exitCode(), report.err());
        assertEquals("Report: " + out.resolve("index.html"), report.out().strip());
        Document doc = page(out.resolve("index.html"));
        assertTrue(doc.getElementById("status").text().startsWith("Ensemble of 2 members"));
        List<org.jsoup.nodes.Element> members =
                doc.select("table.members tbody tr").stream().toList();
        assertEquals(2, members.size());
        JsonNode ensembleResult = evaluateJson(ens);
        for (int i = 0; i < 2; i++) {
            Path member = i == 0 ? first : second;
            List<String> cells = members.get(i).select("td").eachText();
            assertEquals("member-" + (i + 1), cells.get(0));
            assertEquals("softmax", cells.get(1));
            assertEquals(member.resolve("best.ckpt").toString(), cells.get(6));
            // The member's own test accuracy is what evaluate says of its checkpoint.
            double accuracy = evaluateJson(member.resolve("best.ckpt"))
                    .get("test_accuracy")
                    .asDouble();
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f%%", 100 * accuracy), cells.get(4));
        }
        String headline = doc.select("table.headline").text();
        assertTrue(
                headline.contains(String.format(
                        java.util.Locale.ROOT,
                        "%.2f%%",
                        100 * ensembleResult.get("test_accuracy").asDouble())),
                headline);
        long sum = doc.select("table.confusion td.cell").stream()
                .mapToLong(td -> Long.parseLong(td.attr("data-count")))
                .sum();
        assertEquals(TrainCommandTest.BLOBS.load(temp).test().size(), sum);
        assertTrue(doc.select("#confusion p.note").text().startsWith("The ensemble two.ens on the"));
        assertEquals(
                2,
                doc.select("#chart-valid_loss svg title").stream()
                        .map(t -> t.text().split(",")[0])
                        .distinct()
                        .filter(t -> t.startsWith("member-"))
                        .count());
        for (String src : doc.select("img").eachAttr("src")) {
            assertTrue(Files.isRegularFile(out.resolve(src)), src);
        }
    }

    private JsonNode evaluateJson(Path checkpoint) throws IOException {
        Run run = toolkit("evaluate", "--checkpoint", checkpoint.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void compareWritesOnePageOfTwoRuns() throws IOException {
        Path first = temp.resolve("first");
        Path second = temp.resolve("second");
        assertEquals(0, train(first).exitCode());
        Run secondRun = train(second, "--lr", "0.05", "--seed", "7");
        assertEquals(0, secondRun.exitCode(), secondRun.err());
        Path out = temp.resolve("compare");
        Run compare = toolkit("compare", first.toString(), second.toString(), "--out", out.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        Document doc = page(out.resolve("index.html"));
        assertEquals(2, doc.select("table.results tbody tr").size());
        assertTrue(doc.select("table.settings th").eachText().containsAll(List.of("learning_rate", "seed")));

        Run one = toolkit("compare", first.toString(), "--out", out.toString());
        assertEquals(2, one.exitCode(), one.err());
    }

    @Test
    void compareRefusesBadRunsAndOutputsInOneLineWithoutWritingAnything() throws IOException {
        Path good = temp.resolve("good");
        assertEquals(0, train(good).exitCode());
        Path out = temp.resolve("compare");

        Run notARun = toolkit("compare", good.toString(), temp.toString(), "--out", out.toString());
        assertEquals(1, notARun.exitCode());
        assertEquals(
                "error: " + temp + " is not a run directory: it has no config.json (train writes one)",
                notARun.err().strip());
        assertFalse(Files.exists(out), "nothing is written when a run cannot be read");

        Path corrupt = temp.resolve("corrupt");
        assertEquals(0, train(corrupt).exitCode());
        Path metrics = corrupt.resolve("metrics.jsonl");
        List<String> rows = Files.readAllLines(metrics);
        Files.write(metrics, List.of(rows.get(0), "{\"epoch\": 2, \"valid_lo"));
        Run broken = toolkit("compare", good.toString(), corrupt.toString(), "--out", out.toString());
        assertEquals(1, broken.exitCode());
        assertEquals(1, broken.err().strip().lines().count(), broken.err());
        assertTrue(broken.err().startsWith("error: " + metrics + " line 2: not a metrics row"), broken.err());
        assertFalse(Files.exists(out));

        Path second = temp.resolve("second");
        assertEquals(0, train(second, "--seed", "7").exitCode());
        Path file = Files.writeString(temp.resolve("a-file"), "kept");
        Run onAFile = toolkit("compare", good.toString(), second.toString(), "--out", file.toString());
        assertEquals(1, onAFile.exitCode());
        assertEquals(
                "error: " + file + ": cannot write the report there: it is a file, not a directory",
                onAFile.err().strip());
        assertEquals("kept", Files.readString(file));

        Path others = Files.createDirectories(temp.resolve("others"));
        Files.writeString(others.resolve("notes.txt"), "mine");
        Run foreign = toolkit("compare", good.toString(), second.toString(), "--out", others.toString());
        assertEquals(1, foreign.exitCode());
        assertEquals(1, foreign.err().strip().lines().count(), foreign.err());
        assertTrue(
                foreign.err().startsWith("error: " + others + ": holds files that are not a toolkit report"),
                foreign.err());
        try (var listing = Files.list(others)) {
            assertEquals(List.of(others.resolve("notes.txt")), listing.toList(), "nothing is added beside them");
        }
    }
}
