package org.mltoolkit.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.engine.ConfusionMatrix;
import org.mltoolkit.core.engine.Predictions;
import org.mltoolkit.core.ensemble.Ensemble;
import org.mltoolkit.core.run.EvaluationResult;

/**
 * The sections of a page that show a test evaluation, shared by the pages of a run and of an ensemble: the confusion
 * heat map with per-class precision, recall and F1, the most confident mistakes and a sample of predictions, each
 * picture a PNG in {@code images/}.
 */
final class TestSections {
    private TestSections() {}

    /**
     * Appends the sections {@code confusion}, {@code mistakes} and {@code samples} of {@code test} to {@code page},
     * writing the pictures they show through {@code output} and adding their file names to {@code images}. Without
     * a test evaluation each section says {@code note} (or that the run has not ended) instead.
     */
    static void write(Page page, ReportOutput output, Set<String> images, EvaluationResult test, String note) {
        StringBuilder html = page.body();
        if (test == null) {
            String why = note != null ? note : "the run has not ended";
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
                .limit(RunReport.TILES)
                .toList();
        page.section("mistakes", "Most confident mistakes");
        if (mistakes.isEmpty()) {
            html.append("<p class=\"note\">The model classifies every test example correctly.</p>\n");
        } else {
            tiles(html, output, images, test, mistakes);
        }
        page.endSection();

        int n = data.size();
        int count = Math.min(RunReport.TILES, n);
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
        if (test.checkpoint() == null) {
            return "The model";
        }
        return Ensemble.NAME.equals(test.model())
                ? "The ensemble " + test.checkpoint().getFileName()
                : "The checkpoint " + test.checkpoint().getFileName() + " (epoch " + test.epoch() + ")";
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
        float[] f = new float[shape.size()];
        data.copyExample(i, f, 0);
        BufferedImage image = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                int at = y * shape.width() + x;
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
}
