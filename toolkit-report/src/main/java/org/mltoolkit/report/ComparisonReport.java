package org.mltoolkit.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.metrics.ValidAccuracy;
import org.mltoolkit.core.metrics.ValidLoss;

/**
 * A page that compares runs: their learning curves overlaid, one chart per metric and one colour per run (the
 * same in every chart and in the tables), the settings in which they differ, and their results, best first (by
 * test accuracy; runs not yet tested after those, by their best validation loss).
 */
public final class ComparisonReport {
    /** Settings that differ between any two runs by nature, and say nothing about how they were trained. */
    private static final Set<String> NOT_SETTINGS = Set.of("run_dir", "best_checkpoint");

    private final List<RunSnapshot> runs;
    private final String toolkitVersion;

    /** Compares {@code runs}, in the order given (which sets their colours). Throws IllegalArgumentException when
     * fewer than two runs are given. */
    public ComparisonReport(List<RunSnapshot> runs, String toolkitVersion) {
        if (runs.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least two runs, got " + runs.size());
        }
        this.runs = List.copyOf(runs);
        this.toolkitVersion = toolkitVersion;
    }

    /**
     * Writes {@code index.html} into {@code directory} (created if needed), atomically. Throws ToolkitException
     * naming the directory when it is a file, holds files that are not a report or cannot be written.
     *
     * @return the page's file
     */
    public Path write(Path directory) {
        ReportOutput output = ReportOutput.prepare(directory);
        Page page = new Page("Comparison of " + runs.size() + " runs", null);
        StringBuilder html = page.body();

        page.section("results", "Results, best first");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> -testAccuracy(runs.get(i)))
                .thenComparingDouble(i -> bestValidLoss(runs.get(i))));
        List<List<String>> rows = new ArrayList<>();
        for (int i : order) {
            RunSnapshot r = runs.get(i);
            int best = r.bestEpoch();
            EpochMetrics bestEpoch = r.history().stream()
                    .filter(m -> m.epoch() == best)
                    .findFirst()
                    .orElse(null);
            rows.add(List.of(
                    runLabel(i),
                    Html.escape(r.config().dataset()),
                    Html.escape(r.config().model()),
                    r.ended() ? "ended" : "in progress",
                    Integer.toString(r.history().size()),
                    best > 0 ? Integer.toString(best) : "",
                    bestEpoch != null ? Html.escape(Html.value(bestEpoch.value(ValidLoss.NAME))) : "",
                    bestEpoch != null ? Html.percent(bestEpoch.value(ValidAccuracy.NAME)) : "",
                    Double.isNaN(testAccuracy(r)) ? "" : Html.percent(testAccuracy(r)),
                    Html.escape(Html.value(r.summaryValue("test_loss"))),
                    Html.escape(Html.value(r.summaryValue("train_seconds")))));
        }
        Html.table(
                html,
                "results",
                List.of(
                        "run",
                        "dataset",
                        "model",
                        "state",
                        "epochs",
                        "best epoch",
                        "best validation loss",
                        "validation accuracy",
                        "test accuracy",
                        "test loss",
                        "training time (s)"),
                rows);
        page.endSection();

        page.section("settings", "Settings that differ");
        List<Map<String, Object>> configs =
                runs.stream().map(ComparisonReport::settings).toList();
        Set<String> keys = new LinkedHashSet<>();
        configs.forEach(c -> keys.addAll(c.keySet()));
        List<String> differing = keys.stream()
                .filter(k -> !NOT_SETTINGS.contains(k))
                .filter(k -> configs.stream().map(c -> c.get(k)).distinct().count() > 1)
                .toList();
        if (differing.isEmpty()) {
            html.append("<p class=\"note\">The runs have the same settings.</p>\n");
        } else {
            List<String> header = new ArrayList<>();
            header.add("run");
            header.addAll(differing);
            List<List<String>> settingRows = new ArrayList<>();
            for (int i : order) {
                List<String> row = new ArrayList<>();
                row.add(runLabel(i));
                for (String k : differing) {
                    row.add(Html.escape(Html.value(configs.get(i).get(k))));
                }
                settingRows.add(row);
            }
            Html.table(html, "settings", header, settingRows);
        }
        page.endSection();

        page.section("curves", "Learning curves");
        page.charts(Curves.ofRuns(runs));
        page.endSection();

        page.section("runs", "Run directories");
        List<List<String>> dirs = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            dirs.add(List.of(runLabel(i), Html.escape(runs.get(i).directory())));
        }
        Html.table(html, "runs", List.of("run", "directory"), dirs);
        page.endSection();

        output.writeIndex(page.finish(Instant.now(), toolkitVersion));
        return directory.resolve(ReportOutput.INDEX);
    }

    private String runLabel(int i) {
        return "<span class=\"swatch\" style=\"background:" + Palette.css(Palette.run(i)) + "\"></span>"
                + Html.escape(runs.get(i).name());
    }

    private static double testAccuracy(RunSnapshot run) {
        return run.summaryValue("test_accuracy") instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double bestValidLoss(RunSnapshot run) {
        return run.history().stream()
                .mapToDouble(m -> m.value(ValidLoss.NAME))
                .filter(Double::isFinite)
                .min()
                .orElse(Double.POSITIVE_INFINITY);
    }

    /** The run's configuration as flat keys (maps such as model_options spread into model_options.KEY). */
    private static Map<String, Object> settings(RunSnapshot run) {
        Map<String, Object> json = run.configValues();
        Map<String, Object> flat = new LinkedHashMap<>();
        json.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> flat.put(key + "." + k, Objects.toString(v)));
            } else {
                flat.put(key, value);
            }
        });
        return flat;
    }
}
