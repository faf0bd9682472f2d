package org.mltoolkit.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.engine.ConfusionMatrix;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.Predictions;
import org.mltoolkit.core.metrics.TrainImagesPerSecond;
import org.mltoolkit.core.metrics.TrainSeconds;
import org.mltoolkit.core.metrics.ValidAccuracy;
import org.mltoolkit.core.metrics.ValidLoss;
import org.mltoolkit.core.metrics.ValidSeconds;
import org.mltoolkit.core.run.EvaluationResult;

/**
 * The page of one run, {@code index.html} with its pictures in {@code images/}: status, learning curves, the test
 * set's confusion heat map with per-class precision, recall and F1, the most confident mistakes and a sample of
 * predictions, the configuration, the summary, provenance and timings. Sections carry ids ({@code status},
 * {@code curves}, {@code confusion}, {@code mistakes}, {@code samples}, {@code configuration}, {@code summary},
 * {@code provenance}, {@code timings}) for readers and tests.
 *
 * <p>A live report (of a run still going) reloads itself in the browser until the run ends; if the run stops
 * writing (killed, crashed) the page stops reloading once it is {@link #staleAfter(List)} old and says so.
 *
 * <pre>{@code
 * RunReport.builder().run(RunSnapshot.read(runDir)).test(evaluation).provenance(p).build().write(outDir);
 * }</pre>
 */
public final class RunReport {
    /** How many of the most confident mistakes, and how many sample predictions, the page shows. */
    public static final int TILES = 24;

    private final Builder settings;

    private RunReport(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes the page and its pictures into {@code directory} (created if needed), the pictures first and the page
     * last, each file replaced atomically, and removes pictures of an earlier report that the page no longer shows.
     * Throws ToolkitException naming the directory when it is a file, holds files that are not a report or cannot
     * be written; what was there before stays readable.
     *
     * @return the page's file
     */
    public Path write(Path directory) {
        ReportOutput output = ReportOutput.prepare(directory);
        RunSnapshot run = settings.run;
        String status = statusText(run);
        Page page = new Page("Run " + run.name(), reloadScript(run));
        StringBuilder html = page.body();
        html.append("<p id=\"status\" class=\"status ")
                .append(run.ended() ? "ended" : settings.stopped != null ? "stopped" : "running")
                .append("\">")
                .append(Html.escape(status))
                .append("</p>\n");
        headline(html, run);

        page.section("curves", "Learning curves");
        if (run.history().isEmpty()) {
            html.append("<p class=\"note\">No epoch has finished yet.</p>\n");
        } else {
            page.charts(Curves.ofRun(run.history()));
        }
        page.endSection();

        Set<String> images = new HashSet<>();
        testSections(page, output, images);

        page.section("configuration", "Configuration");
        Html.keyValueTable(html, "config", configuration(run));
        page.endSection();

        page.section("summary", "Summary");
        if (run.summary().isPresent()) {
            Html.keyValueTable(html, "summary", run.summary().get());
        } else {
            html.append("<p class=\"note\">The run has not ended: summary.json is written at its end.</p>\n");
        }
        page.endSection();

        provenance(page, run);
        timings(page, run);

        String text = page.finish(settings.generatedAt, settings.provenance.toolkitVersion());
        output.writeIndex(text);
        output.removeOtherImages(images);
        return directory.resolve(ReportOutput.INDEX);
    }

    private String statusText(RunSnapshot run) {
        int epochs = run.history().size();
        String planned = " of " + run.config().epochs();
        if (run.ended()) {
            Object reason = run.summaryValue("stop_reason");
            return "Ended after " + epochs + planned + " epochs"
                    + (reason != null ? " (stopped early: " + reason + ")" : "") + "; last written "
                    + Page.time(run.updated()) + ".";
        }
        if (settings.stopped != null) {
            return "Stopped after " + epochs + planned + " epochs: " + settings.stopped + " (as of "
                    + Page.time(settings.generatedAt) + ").";
        }
        return "In progress as of " + Page.time(run.updated()) + ": " + epochs + planned + " epochs done"
                + (settings.live ? "; this page reloads itself while the run writes to it." : ".");
    }

    /**
     * The reload of a live page: a timer that reloads the page while it is younger than its staleness limit, and
     * otherwise adds to the status line that the run stopped writing. Null when the page is not live.
     */
    private String reloadScript(RunSnapshot run) {
        if (!settings.live || run.ended() || settings.stopped != null) {
            return null;
        }
        Duration stale = staleAfter(run.history());
        long reloadMillis = Math.max(5_000, Math.min(60_000, lastEpochSeconds(run.history()) * 500));
        Instant until = settings.generatedAt.plus(stale);
        return String.format(Locale.ROOT, """
                (function () {
                  var until = %d;
                  if (Date.now() < until) {
                    setTimeout(function () { location.reload(); }, %d);
                  } else {
                    window.addEventListener("DOMContentLoaded", function () {
                      var s = document.getElementById("status");
                      s.className = "status stopped";
                      s.textContent += " No update for %d minutes since: the run may have stopped;"
                          + " this page no longer reloads.";
                    });
                  }
                })();
                """, until.toEpochMilli(), reloadMillis, Math.max(1, stale.toMinutes()));
    }

    /**
     * How long a live page keeps reloading without a new version: three times the last epoch's time (training and
     * validation), and at least two minutes; before the first epoch, thirty minutes.
     */
    static Duration staleAfter(List<EpochMetrics> history) {
        if (history.isEmpty()) {
            return Duration.ofMinutes(30);
        }
        return Duration.ofSeconds(Math.max(120, Math.round(3 * lastEpochSeconds(history))));
    }

    private static long lastEpochSeconds(List<EpochMetrics> history) {
        if (history.isEmpty()) {
            return 10;
        }
        EpochMetrics last = history.get(history.size() - 1);
        double seconds = finite(last.value(TrainSeconds.NAME)) + finite(last.value(ValidSeconds.NAME));
        return Math.max(1, Math.round(seconds));
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0;
    }

    private void headline(StringBuilder html, RunSnapshot run) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("dataset", run.config().dataset());
        facts.put("model", run.config().model());
        facts.put("trainer", run.config().trainer());
        int best = run.bestEpoch();
        if (best > 0) {
            EpochMetrics m = run.history().stream()
                    .filter(e -> e.epoch() == best)
                    .findFirst()
                    .orElseThrow();
            facts.put("best epoch", best);
            facts.put("best validation loss", m.value(ValidLoss.NAME));
            facts.put("validation accuracy at the best epoch", Html.percent(m.value(ValidAccuracy.NAME)));
        }
        if (settings.test != null) {
            facts.put(
                    "test accuracy (best checkpoint)",
                    Html.percent(settings.test.test().accuracy()));
            facts.put("test loss", settings.test.test().loss());
        } else if (run.summaryValue("test_accuracy") instanceof Number accuracy) {
            facts.put("test accuracy (best checkpoint)", Html.percent(accuracy.doubleValue()));
        }
        facts.put("run directory", run.directory());
        Html.keyValueTable(html, "headline", facts);
    }

    private void testSections(Page page, ReportOutput output, Set<String> images) {
        StringBuilder html = page.body();
        EvaluationResult test = settings.test;
        if (test == null) {
            String why = settings.testNote != null ? settings.testNote : "the run has not ended";
            for (String[] s : new String[][] {
                {"confusion", "Confusion matrix (test set)"},
                {"mistakes", "Most confident mistakes"},
                {"samples", "Sample of test predictions"}
            }) {
                page.section(s[0], s[1]);
                html.append("<p class=\"note\">Not evaluated: ")
                        .append(Html.escape(why))
                        .append(".</p>\n");
                page.endSection();
            }
            return;
        }
        page.section("confusion", "Confusion matrix (test set)");
        html.append("<p class=\"note\">")
                .append(Html.escape(checkpointLabel(test)))
                .append(" on the ")
                .append(test.test().examples())
                .append(" test examples of ")
                .append(Html.escape(test.dataset()))
                .append(": loss ")
                .append(Html.escape(Html.value(test.test().loss())))
                .append(", accuracy ")
                .append(Html.percent(test.test().accuracy()))
                .append(". Rows: true class; columns: predicted class; colour: the share of the row.</p>\n");
        confusion(html, test.predictions().confusion());
        page.endSection();

        Predictions p = test.predictions();
        LabeledData data = test.testData();
        int[] labels = data.labels();
        List<Integer> mistakes = IntStream.range(0, data.size())
                .filter(i -> p.predicted()[i] != labels[i])
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p.confidence()[i])
                        .thenComparing(i -> i))
                .limit(TILES)
                .toList();
        page.section("mistakes", "Most confident mistakes");
        if (mistakes.isEmpty()) {
            html.append("<p class=\"note\">The model classifies every test example correctly.</p>\n");
        } else {
            tiles(html, output, images, test, mistakes);
        }
        page.endSection();

        int n = data.size();
        int count = Math.min(TILES, n);
        List<Integer> sample = IntStream.range(0, count)
                .map(k -> (int) ((long) k * n / count))
                .boxed()
                .toList();
        page.section("samples", "Sample of test predictions");
        html.append("<p class=\"note\">Every ")
                .append(Math.max(1, n / Math.max(1, count)))
                .append("th test example; the probability is the model's for its prediction.</p>\n");
        tiles(html, output, images, test, sample);
        page.endSection();
    }

    private static String checkpointLabel(EvaluationResult test) {
        return test.checkpoint() != null
                ? "The checkpoint " + test.checkpoint().getFileName() + " (epoch " + test.epoch() + ")"
                : "The model";
    }

    /** The heat map: every count in a cell whose colour is its share of the row, then precision, recall, F1. */
    private static void confusion(StringBuilder html, ConfusionMatrix matrix) {
        List<String> names = matrix.classNames();
        int k = names.size();
        html.append("<table class=\"confusion\" data-total=\"")
                .append(matrix.total())
                .append("\">\n");
        html.append("<thead><tr><th>true \\ predicted</th>");
        for (String name : names) {
            html.append("<th>").append(Html.escape(name)).append("</th>");
        }
        html.append("<th>examples</th><th>precision</th><th>recall</th><th>F1</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < k; i++) {
            long rowTotal = 0;
            for (int j = 0; j < k; j++) {
                rowTotal += matrix.count(i, j);
            }
            html.append("<tr><th>").append(Html.escape(names.get(i))).append("</th>");
            for (int j = 0; j < k; j++) {
                long c = matrix.count(i, j);
                double share = rowTotal == 0 ? 0 : (double) c / rowTotal;
                String background = i == j
                        ? String.format(Locale.ROOT, "rgba(26,115,232,%.3f)", share)
                        : String.format(Locale.ROOT, "rgba(217,48,37,%.3f)", Math.min(1, 4 * share));
                html.append("<td class=\"cell\" data-count=\"")
                        .append(c)
                        .append("\" style=\"background:")
                        .append(background)
                        .append(share > 0.5 ? ";color:#fff" : "")
                        .append("\" title=\"true ")
                        .append(Html.escape(names.get(i)))
                        .append(", predicted ")
                        .append(Html.escape(names.get(j)))
                        .append(": ")
                        .append(c)
                        .append("\">")
                        .append(c)
                        .append("</td>");
            }
            html.append("<td class=\"num\">")
                    .append(rowTotal)
                    .append("</td><td class=\"num\">")
                    .append(Html.percent(matrix.precision(i)))
                    .append("</td><td class=\"num\">")
                    .append(Html.percent(matrix.recall(i)))
                    .append("</td><td class=\"num\">")
                    .append(Html.percent(matrix.f1(i)))
                    .append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
    }

    private static void tiles(
            StringBuilder html, ReportOutput output, Set<String> images, EvaluationResult test, List<Integer> which) {
        LabeledData data = test.testData();
        List<String> names = test.predictions().confusion().classNames();
        html.append("<div class=\"tiles\">\n");
        for (int i : which) {
            String file = String.format(Locale.ROOT, "test-%06d.png", i);
            if (images.add(file)) {
                output.write(ReportOutput.IMAGES + "/" + file, png(data, i));
            }
            int truth = data.labels()[i];
            int predicted = test.predictions().predicted()[i];
            html.append("<figure class=\"tile")
                    .append(truth == predicted ? "" : " wrong")
                    .append("\" data-index=\"")
                    .append(i)
                    .append("\"><img src=\"")
                    .append(ReportOutput.IMAGES)
                    .append('/')
                    .append(file)
                    .append("\" alt=\"test example ")
                    .append(i)
                    .append("\"><figcaption>true ")
                    .append(Html.escape(names.get(truth)))
                    .append("<br>predicted ")
                    .append(Html.escape(names.get(predicted)))
                    .append("<br>")
                    .append(Html.percent(test.predictions().confidence()[i]))
                    .append("</figcaption></figure>\n");
        }
        html.append("</div>\n");
    }

    /** Example {@code i} as a PNG: grey examples dark on light (ink is 1), colour examples as they are. */
    static byte[] png(LabeledData data, int i) {
        ExampleShape shape = data.shape();
        int plane = shape.height() * shape.width();
        int offset = i * shape.size();
        float[] f = data.features();
        BufferedImage image = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                int at = offset + y * shape.width() + x;
                int rgb;
                if (shape.channels() >= 3) {
                    rgb = level(f[at]) << 16 | level(f[at + plane]) << 8 | level(f[at + 2 * plane]);
                } else {
                    int grey = 255 - level(f[at]);
                    rgb = grey << 16 | grey << 8 | grey;
                }
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new ToolkitException("no PNG writer is available in this Java runtime");
            }
        } catch (IOException e) {
            throw new ToolkitException("cannot encode test example " + i + " as PNG: " + e, e);
        }
        return bytes.toByteArray();
    }

    private static int level(float value) {
        return Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
    }

    private static Map<String, Object> configuration(RunSnapshot run) {
        Map<String, Object> rows = run.configValues();
        rows.remove("plugins");
        return rows;
    }

    private void provenance(Page page, RunSnapshot run) {
        StringBuilder html = page.body();
        page.section("provenance", "Provenance");
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("toolkit", settings.provenance.toolkitVersion());
        run.config().plugins().forEach((id, version) -> rows.put("plugin " + id, version));
        Object device = run.summaryValue("device");
        rows.put("device", device != null ? device : run.config().device() + " (requested)");
        if (settings.test != null) {
            rows.put("test evaluated on", settings.test.device());
        }
        rows.put("seed", run.config().seed());
        rows.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        rows.put("operating system", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        rows.put(
                "dataset",
                run.config().dataset()
                        + (run.config().datasetOptions().isEmpty()
                                ? ""
                                : " " + Html.value(run.config().datasetOptions())));
        settings.provenance.datasetFiles().forEach((file, sha) -> rows.put("SHA-256 " + file, sha));
        if (settings.provenance.datasetNote() != null) {
            rows.put("data files", settings.provenance.datasetNote());
        }
        Html.keyValueTable(html, "provenance", rows);
        page.endSection();
    }

    private void timings(Page page, RunSnapshot run) {
        StringBuilder html = page.body();
        page.section("timings", "Timings");
        double train = 0;
        double valid = 0;
        List<List<String>> rows = new ArrayList<>();
        for (EpochMetrics m : run.history()) {
            train += finite(m.value(TrainSeconds.NAME));
            valid += finite(m.value(ValidSeconds.NAME));
            rows.add(List.of(
                    Integer.toString(m.epoch()),
                    num(m.value(TrainSeconds.NAME)),
                    num(m.value(ValidSeconds.NAME)),
                    num(m.value(TrainImagesPerSecond.NAME))));
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("training loops (s)", train);
        totals.put("validation passes (s)", valid);
        if (settings.test != null) {
            totals.put("test evaluation for this page (s)", settings.test.test().seconds());
        }
        Html.keyValueTable(html, "totals", totals);
        Html.table(
                html, "epochs", List.of("epoch", "training (s)", "validation (s)", "training speed (images/s)"), rows);
        page.endSection();
    }

    private static String num(double value) {
        return Html.escape(Html.value(value));
    }

    /** What the page shows; {@link #build()} checks it. */
    public static final class Builder {
        private RunSnapshot run;
        private EvaluationResult test;
        private String testNote;
        private Provenance provenance;
        private boolean live;
        private String stopped;
        private Instant generatedAt = Instant.now();

        private Builder() {}

        /** The run to show (required). */
        public Builder run(RunSnapshot value) {
            run = value;
            return this;
        }

        /** The best checkpoint's evaluation on the test set: the heat map and the pictures come from it. */
        public Builder test(EvaluationResult value) {
            test = value;
            return this;
        }

        /** Why there is no test evaluation, shown in its place (for example, the data is not on this machine). */
        public Builder testNote(String value) {
            testNote = value;
            return this;
        }

        /** The toolkit's version and the data files (required). */
        public Builder provenance(Provenance value) {
            provenance = value;
            return this;
        }

        /** A page of a run still going, which reloads itself until the run ends or stops writing. */
        public Builder live(boolean value) {
            live = value;
            return this;
        }

        /** The run stopped with this reason (an error); the page says so and does not reload. */
        public Builder stopped(String reason) {
            stopped = reason;
            return this;
        }

        /** When the page is written; now by default. */
        public Builder generatedAt(Instant value) {
            generatedAt = value;
            return this;
        }

        /** Throws IllegalStateException when the run or the provenance is missing. */
        public RunReport build() {
            if (run == null || provenance == null) {
                throw new IllegalStateException("a run report needs the run and the provenance");
            }
            return new RunReport(this);
        }
    }
}
