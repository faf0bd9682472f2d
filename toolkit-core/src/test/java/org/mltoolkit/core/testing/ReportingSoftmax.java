package org.mltoolkit.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.ClassificationReport.AverageScores;
import org.mltoolkit.api.ClassificationReport.ClassScores;
import org.mltoolkit.api.EvaluationReporter;
import org.mltoolkit.api.ExportContext;
import org.mltoolkit.api.FormatExportable;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.ScoredExamples;
import org.mltoolkit.api.ToolkitException;

/**
 * {@link SoftmaxRegression} with what a plugin may add: an ONNX export (a stand-in: the line {@link #ONNX_STAND_IN}
 * and the weights, which the core places without reading), a named export format, {@code text} (the export context
 * and the weights, one {@code key=value} per line), and its own evaluation report (a plain tally, evaluator
 * {@code tally}). The last {@link ScoredExamples} it was given are kept for the tests to inspect.
 */
public final class ReportingSoftmax extends SoftmaxRegression
        implements OnnxExportable, FormatExportable, EvaluationReporter {
    public static final String NAME = "reporting-softmax";
    public static final String TEXT_FORMAT = "text";
    /** How the ONNX stand-in begins. */
    public static final String ONNX_STAND_IN = "not an ONNX graph: a test model's weights\n";

    private static ScoredExamples lastScored;

    private final boolean failExport;

    ReportingSoftmax(ModelSpec spec) {
        super(spec, java.util.Set.of("fail_export"));
        this.failExport = spec.options().getBoolean("fail_export", false);
    }

    /** The examples of the latest report of any instance, or null. */
    public static synchronized ScoredExamples lastScored() {
        return lastScored;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> exportFormats() {
        return Map.of(TEXT_FORMAT, "the export context and the weights as text");
    }

    /** Writes the ONNX stand-in; a model option {@code fail_export} makes it fail half-way, for atomicity tests. */
    @Override
    public void writeOnnx(OutputStream out) throws IOException {
        out.write((ONNX_STAND_IN + java.util.Arrays.toString(weight)).getBytes(StandardCharsets.UTF_8));
        failIfAsked();
    }

    /** Writes {@code text}; a model option {@code fail_export} makes it fail half-way, for atomicity tests. */
    @Override
    public void export(String format, ExportContext context, OutputStream out) throws IOException {
        if (!TEXT_FORMAT.equals(format)) {
            throw new ToolkitException("reporting-softmax writes only text, not " + format);
        }
        StringBuilder text = new StringBuilder();
        // What wrote the file, where the core's output rule finds it, as a real plugin records it in its metadata.
        text.append("written-by=mltoolkit\n");
        text.append("classes=").append(String.join(",", context.classNames())).append('\n');
        text.append("dataset=").append(context.dataset()).append('\n');
        text.append("epoch=").append(context.epoch()).append('\n');
        text.append("toolkit=").append(context.toolkitVersion()).append('\n');
        context.pluginVersions()
                .forEach((id, v) ->
                        text.append("plugin.").append(id).append('=').append(v).append('\n'));
        context.configuration()
                .forEach((k, v) ->
                        text.append("config.").append(k).append('=').append(v).append('\n'));
        text.append("weights=").append(java.util.Arrays.toString(weight)).append('\n');
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        failIfAsked();
    }

    private void failIfAsked() {
        if (failExport) {
            throw new ToolkitException("reporting-softmax: export failed half-way, as its model option asked");
        }
    }

    @Override
    public ClassificationReport evaluationReport(ScoredExamples examples) {
        synchronized (ReportingSoftmax.class) {
            lastScored = examples;
        }
        int k = examples.classNames().size();
        long[][] counts = new long[k][k];
        long correct = 0;
        for (int i = 0; i < examples.size(); i++) {
            int predicted = Metrics.argmax(examples.logProbabilities(), i * k, k);
            counts[examples.labels()[i]][predicted]++;
            correct += predicted == examples.labels()[i] ? 1 : 0;
        }
        List<ClassScores> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            long support = 0;
            long predicted = 0;
            for (int j = 0; j < k; j++) {
                support += counts[c][j];
                predicted += counts[j][c];
            }
            long tp = counts[c][c];
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes.add(new ClassScores(
                    examples.classNames().get(c), support, tp, predicted - tp, support - tp, precision, recall, f1));
        }
        double accuracy = examples.size() == 0 ? Double.NaN : (double) correct / examples.size();
        double macroPrecision =
                classes.stream().mapToDouble(ClassScores::precision).average().orElse(Double.NaN);
        double macroRecall =
                classes.stream().mapToDouble(ClassScores::recall).average().orElse(Double.NaN);
        double macroF1 = classes.stream().mapToDouble(ClassScores::f1).average().orElse(Double.NaN);
        return new ClassificationReport(
                "tally",
                accuracy,
                classes,
                new AverageScores(accuracy, accuracy, accuracy),
                new AverageScores(macroPrecision, macroRecall, macroF1),
                1 - macroRecall,
                counts,
                "tally of " + examples.description() + ": " + correct + " of " + examples.size() + " right");
    }

    /** The provider: name {@code reporting-softmax}, flat batches, default trainer {@code softmax-trainer}. */
    public static final class Provider implements ModelProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "softmax regression with a text export and its own evaluation report, for tests";
        }

        @Override
        public InputLayout inputLayout() {
            return InputLayout.FLAT;
        }

        @Override
        public String defaultTrainer() {
            return SoftmaxTrainer.NAME;
        }

        @Override
        public Model create(ModelSpec spec) {
            return new ReportingSoftmax(spec);
        }
    }
}
