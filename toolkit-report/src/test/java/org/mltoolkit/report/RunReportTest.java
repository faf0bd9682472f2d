package org.mltoolkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.metrics.ValidLoss;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import org.mltoolkit.core.run.RunDirectory;
import org.mltoolkit.core.run.TrainingResult;
import org.mltoolkit.core.run.TrainingRun;
import org.mltoolkit.core.testing.Scripted;
import org.mltoolkit.core.testing.SyntheticData;
import org.mltoolkit.core.testing.TestExtensions;

/** Pages of tiny runs of the core's test models: what they show and what they refuse. */
class RunReportTest {
    private static final DatasetSplits DATA = SyntheticData.make("blobs", 240, 60, 3, 5);
    private static final StaticExtensions LOOKUP = TestExtensions.create();
    private static final Provenance PROVENANCE = Provenance.withoutData("test", "synthetic data has no files");

    @TempDir
    Path temp;

    static TrainingResult train(Path runDir, String model, Map<String, String> modelOptions, int epochs) {
        return TrainingRun.builder()
                .lookup(LOOKUP)
                .data(DATA)
                .model(model)
                .modelOptions(modelOptions)
                .epochs(epochs)
                .batchSize(16)
                .learningRate(0.05)
                .runDir(runDir)
                .build()
                .run();
    }

    static EvaluationResult evaluate(TrainingResult result) {
        return Evaluation.builder()
                .lookup(LOOKUP)
                .checkpoint(result.bestCheckpoint())
                .data(DATA)
                .build()
                .run();
    }

    private static Document parse(Path page) throws IOException {
        return Jsoup.parse(Files.readString(page));
    }

    /** Every file the page refers to by src or href exists beside it; the page needs nothing from a network. */
    private static void assertReferencesExist(Path page) throws IOException {
        Document doc = parse(page);
        for (Element e : doc.select("[src], [href]")) {
            String ref = e.hasAttr("src") ? e.attr("src") : e.attr("href");
            assertFalse(ref.contains("://"), "the page refers to the network: " + ref);
            assertTrue(Files.isRegularFile(page.getParent().resolve(ref)), "missing " + ref);
        }
        assertTrue(doc.select("script[src]").isEmpty(), "no script is loaded from elsewhere");
    }

    @Test
    void pageOfAnEndedRunShowsItsNumbersHeatMapAndPictures() throws IOException {
        Path runDir = temp.resolve("run");
        TrainingResult result = train(runDir, "softmax", Map.of(), 3);
        Path page = RunReport.builder()
                .run(RunSnapshot.read(runDir))
                .test(evaluate(result))
                .provenance(PROVENANCE)
                .build()
                .write(runDir.resolve("report"));

        assertEquals(runDir.resolve("report").resolve("index.html"), page);
        assertReferencesExist(page);
        Document doc = parse(page);
        for (String id : List.of(
                "status",
                "curves",
                "confusion",
                "mistakes",
                "samples",
                "configuration",
                "summary",
                "provenance",
                "timings")) {
            assertNotNull(doc.getElementById(id), "section " + id);
        }
        assertTrue(doc.getElementById("status").text().startsWith("Ended after 3 of 3 epochs"));
        // The loss chart holds the run's validation loss of epoch 2, as metrics.jsonl recorded it.
        double loss = result.history().get(1).value(ValidLoss.NAME);
        String svg = doc.getElementById("chart-loss").html();
        assertTrue(svg.contains("validation loss, epoch 2: " + LineChart.format(loss)), svg);
        // Every quantity of the issue has its chart.
        for (String chart : List.of("loss", "accuracy", "param_norm", "grad_norm", "lr", "images_per_second")) {
            assertNotNull(doc.getElementById("chart-" + chart), chart);
        }
        long sum = doc.select("table.confusion td.cell").stream()
                .mapToLong(td -> Long.parseLong(td.attr("data-count")))
                .sum();
        assertEquals(DATA.test().size(), sum);
        assertEquals(RunReport.TILES, doc.select("#samples figure.tile").size());
        assertTrue(doc.select("#mistakes figure.tile:not(.wrong)").isEmpty(), "a mistake framed as right");
        assertTrue(doc.select("script").isEmpty(), "an ended run's page does not reload");
        assertTrue(doc.getElementById("provenance").text().contains("synthetic data has no files"));
    }

    @Test
    void pageOfARunInProgressShowsItsEpochsAndReloadsUntilStale() throws IOException {
        Path runDir = temp.resolve("run");
        train(runDir, "softmax", Map.of(), 2);
        Files.delete(runDir.resolve(RunDirectory.SUMMARY));
        RunSnapshot run = RunSnapshot.read(runDir);
        assertFalse(run.ended());
        Path page = RunReport.builder()
                .run(run)
                .provenance(PROVENANCE)
                .live(true)
                .build()
                .write(temp.resolve("out"));

        assertReferencesExist(page);
        Document doc = parse(page);
        assertTrue(doc.getElementById("status").text().startsWith("In progress as of"), doc.title());
        assertEquals(
                2,
                doc.select("#chart-loss svg title").stream()
                        .filter(t -> t.text().startsWith("validation loss"))
                        .count());
        String script = doc.select("head script").html();
        assertTrue(script.contains("location.reload()"), script);
        assertTrue(doc.getElementById("confusion").text().contains("Not evaluated"));
        assertTrue(doc.getElementById("summary").text().contains("has not ended"));
    }

    @Test
    void livePageStopsReloadingWhenStaleAndAFailedRunDoesNotReload() throws IOException {
        Path runDir = temp.resolve("run");
        train(runDir, "softmax", Map.of(), 2);
        Files.delete(runDir.resolve(RunDirectory.SUMMARY));
        RunSnapshot run = RunSnapshot.read(runDir);
        Instant written = Instant.parse("2024-01-01T00:00:00Z");
        Path page = RunReport.builder()
                .run(run)
                .provenance(PROVENANCE)
                .live(true)
                .generatedAt(written)
                .build()
                .write(temp.resolve("live"));
        long until = written.plus(RunReport.staleAfter(run.history())).toEpochMilli();
        assertTrue(Files.readString(page).contains("var until = " + until + ";"));

        Path failed = RunReport.builder()
                .run(run)
                .provenance(PROVENANCE)
                .live(true)
                .stopped("loss became NaN")
                .build()
                .write(temp.resolve("failed"));
        Document doc = parse(failed);
        assertTrue(doc.select("script").isEmpty());
        assertTrue(doc.getElementById("status").text().contains("loss became NaN"));
    }

    @Test
    void aRunBeforeItsFirstEpochHasAPage() throws IOException {
        Path runDir = temp.resolve("run");
        train(runDir, "softmax", Map.of(), 1);
        Files.delete(runDir.resolve(RunDirectory.SUMMARY));
        Files.delete(runDir.resolve(RunDirectory.METRICS));
        Path page = RunReport.builder()
                .run(RunSnapshot.read(runDir))
                .provenance(PROVENANCE)
                .build()
                .write(temp.resolve("out"));
        assertTrue(parse(page).getElementById("curves").text().contains("No epoch has finished yet"));
    }

    @Test
    void aCorruptMetricsLineIsNamedWithItsFileAndLine() throws IOException {
        Path runDir = temp.resolve("run");
        train(runDir, "softmax", Map.of(), 2);
        Path metrics = runDir.resolve(RunDirectory.METRICS);
        List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
        lines.set(1, lines.get(1).substring(0, 20));
        Files.write(metrics, lines);
        ToolkitException e = assertThrows(ToolkitException.class, () -> RunSnapshot.read(runDir));
        assertTrue(e.getMessage().startsWith(metrics + " line 2: not a metrics row"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void aDirectoryThatIsNotARunIsRefused() throws IOException {
        Path plain = Files.createDirectories(temp.resolve("plain"));
        ToolkitException e = assertThrows(ToolkitException.class, () -> RunSnapshot.read(plain));
        assertEquals(plain + " is not a run directory: it has no config.json (train writes one)", e.getMessage());
        e = assertThrows(ToolkitException.class, () -> RunSnapshot.read(temp.resolve("absent")));
        assertEquals(temp.resolve("absent") + ": no such run directory", e.getMessage());
    }

    @Test
    void outputThatCannotTakeAReportIsRefusedWithNothingWritten() throws IOException {
        Path runDir = temp.resolve("run");
        train(runDir, "softmax", Map.of(), 1);
        RunReport report = RunReport.builder()
                .run(RunSnapshot.read(runDir))
                .provenance(PROVENANCE)
                .build();

        Path file = Files.writeString(temp.resolve("file"), "x");
        ToolkitException e = assertThrows(ToolkitException.class, () -> report.write(file.resolve("report")));
        assertTrue(e.getMessage().startsWith(file.resolve("report") + ": cannot create"), e.getMessage());

        Path foreign = Files.createDirectories(temp.resolve("foreign"));
        Files.writeString(foreign.resolve("index.html"), "<html>mine</html>");
        e = assertThrows(ToolkitException.class, () -> report.write(foreign));
        assertTrue(e.getMessage().contains("not a toolkit report"), e.getMessage());
        assertEquals("<html>mine</html>", Files.readString(foreign.resolve("index.html")));
        try (var entries = Files.list(foreign)) {
            assertEquals(1, entries.count());
        }

        // An earlier report is replaced.
        Path out = temp.resolve("out");
        report.write(out);
        report.write(out);
        assertTrue(Files.readString(out.resolve("index.html")).contains(ReportOutput.GENERATOR_TAG));
    }

    @Test
    void comparisonOverlaysRunsOfDifferentModelsAndRanksThem() throws IOException {
        Path softmax = temp.resolve("softmax");
        Path scripted = temp.resolve("scripted");
        train(softmax, "softmax", Map.of(), 3);
        train(scripted, Scripted.MODEL, Scripted.options(15, "0.9,0.8"), 2);
        Path page = new ComparisonReport(List.of(RunSnapshot.read(scripted), RunSnapshot.read(softmax)), "test")
                .write(temp.resolve("compare"));

        assertReferencesExist(page);
        Document doc = parse(page);
        List<String> ranked = doc.select("table.results tbody tr td:eq(0)").eachText();
        assertEquals(2, ranked.size());
        double softmaxAccuracy = ((Number) RunSnapshot.read(softmax).summaryValue("test_accuracy")).doubleValue();
        double scriptedAccuracy = ((Number) RunSnapshot.read(scripted).summaryValue("test_accuracy")).doubleValue();
        assertEquals(softmaxAccuracy >= scriptedAccuracy ? "softmax" : "scripted", ranked.get(0));
        assertTrue(doc.select("table.settings th").eachText().contains("model"));
        String chart = doc.getElementById("chart-valid_loss").html();
        EpochMetrics epoch2 = RunSnapshot.read(scripted).history().get(1);
        assertTrue(chart.contains("scripted, epoch 2: " + LineChart.format(epoch2.value(ValidLoss.NAME))), chart);
        assertTrue(chart.contains("softmax, epoch 3: "), chart);
        // The same run has the same colour in every chart.
        String scriptedColour = Palette.css(Palette.run(0));
        for (Element figure : doc.select("#curves figure")) {
            assertTrue(
                    figure.html().contains(scriptedColour.substring(1))
                            || figure.html()
                                    .contains("rgb(" + Palette.run(0).getRed() + ","
                                            + Palette.run(0).getGreen() + ","
                                            + Palette.run(0).getBlue() + ")"),
                    figure.id());
        }
        assertNull(doc.getElementById("confusion"));
    }
}
