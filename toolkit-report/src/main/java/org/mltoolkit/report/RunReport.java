package org.mltoolkit.report;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.core.engine.EpochMetrics;
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
        TestSections.write(page, output, images, settings.test, settings.testNote);

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
        settings.provenance.putDataRows(rows);
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
