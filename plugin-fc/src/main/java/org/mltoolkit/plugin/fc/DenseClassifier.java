package org.mltoolkit.plugin.fc;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.EvaluationReporter;
import org.mltoolkit.api.ExportContext;
import org.mltoolkit.api.FormatExportable;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.ScoredExamples;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.support.optim.Parameter;
import org.tribuo.classification.Label;

/**
 * A {@link DenseNetwork} as the toolkit sees it: {@code fc} or {@code linear}. State-dict names follow
 * PyTorch's {@code nn.Sequential} naming of the reference ({@code layers.0.weight}, {@code layers.2.running_mean},
 * ...), with {@code num_batches_tracked} as a scalar.
 *
 * <p>Tribuo is on the user's path in two places: {@link #export} writes format {@code tribuo}, a model file of
 * Tribuo's own classes ({@link TribuoModels}), and {@link #evaluationReport} evaluates through Tribuo's
 * {@code LabelEvaluator} ({@link TribuoEvaluation}).
 *
 * <p>Not thread-safe: one call at a time (the core's contract).
 */
public final class DenseClassifier implements Model, OnnxExportable, FormatExportable, EvaluationReporter {
    /** The export format of a Tribuo model file. */
    public static final String TRIBUO_FORMAT = "tribuo";

    private final String name;
    private final ModelSpec spec;
    private final DenseNetwork network;
    private long stateVersion;
    private boolean closed;

    DenseClassifier(String name, ModelSpec spec, int[] widths) {
        this.name = name;
        this.spec = spec;
        this.network = new DenseNetwork(widths, spec.seed(), spec.threads());
    }

    DenseNetwork network() {
        checkOpen();
        return network;
    }

    ModelSpec spec() {
        return spec;
    }

    /**
     * The trainable tensors, in the network's layout order, as optimizer parameters over the network's own native
     * memory: an optimizer updates the weights in place.
     */
    List<Parameter> optimizerParameters() {
        checkOpen();
        return network.entries().stream()
                .filter(DenseNetwork.Entry::trainable)
                .map(e -> new Parameter(
                        e.name(), e.shape(), e.values().buffer(), e.gradient().buffer()))
                .toList();
    }

    /** Layer widths: input, hidden..., classes. */
    public int[] widths() {
        return network.widths();
    }

    /** Incremented by every {@link #loadStateDict}, so that trainers keeping a copy of the weights notice. */
    long stateVersion() {
        return stateVersion;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return "cpu";
    }

    /** 2 for a network with hidden layers (their BatchNorm needs a batch variance), else 1. */
    @Override
    public int minTrainingBatch() {
        return network.layerCount() > 1 ? 2 : 1;
    }

    @Override
    public long parameterCount() {
        return network.parameters().length();
    }

    @Override
    public void predictLogProbabilities(Batch batch, float[] out) {
        checkOpen();
        checkBatch(batch);
        if (out.length < batch.size() * network.classCount()) {
            throw new IllegalArgumentException("output array of " + out.length + " floats is too short for "
                    + batch.size() + " x " + network.classCount() + " log-probabilities");
        }
        if (batch.size() == 0) {
            return;
        }
        network.predict(batch.features(), batch.size(), out);
    }

    void checkBatch(Batch batch) {
        if (batch.shape().size() != network.inputWidth()) {
            throw new ToolkitException("model " + name + " expects " + network.inputWidth()
                    + " features per example, got a batch of shape " + batch.shape());
        }
    }

    @Override
    public double parameterNorm() {
        checkOpen();
        return Math.sqrt(sumOfSquares(network.parameters()));
    }

    static double sumOfSquares(NativeFloats values) {
        java.nio.FloatBuffer b = values.buffer();
        double s = 0;
        for (int i = 0; i < values.length(); i++) {
            float v = b.get(i);
            s += (double) v * v;
        }
        return s;
    }

    @Override
    public Map<String, Tensor> stateDict() {
        checkOpen();
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (DenseNetwork.Entry e : network.entries()) {
            state.put(e.name(), new Tensor(e.shape().clone(), e.values().toArray()));
            if (e.name().endsWith(".running_var")) {
                String prefix = e.name().substring(0, e.name().length() - ".running_var".length());
                state.put(prefix + ".num_batches_tracked", Tensor.scalar(network.batchesTracked(layerOf(prefix))));
            }
        }
        return state;
    }

    private static int layerOf(String prefix) {
        int index = Integer.parseInt(prefix.substring("layers.".length()));
        return index / 3;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        checkOpen();
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
            expected.put(e.getKey(), e.getValue().shape());
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) {
                throw new ToolkitException("model " + name + ": state entry '" + e.getKey() + "' is missing");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ToolkitException("model " + name + ": state entry '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                throw new ToolkitException("model " + name + ": unexpected state entry '" + key + "'");
            }
        }
        for (DenseNetwork.Entry e : network.entries()) {
            e.values().set(state.get(e.name()).data());
        }
        for (String key : expected.keySet()) {
            if (key.endsWith(".num_batches_tracked")) {
                String prefix = key.substring(0, key.length() - ".num_batches_tracked".length());
                network.setBatchesTracked(layerOf(prefix), (long) state.get(key).data()[0]);
            }
        }
        stateVersion++;
    }

    /** Top-1 predictions for a batch (evaluation mode). Does not mutate the model. */
    public int[] predictLabels(Batch batch) {
        int k = network.classCount();
        float[] logProbs = new float[batch.size() * k];
        predictLogProbabilities(batch, logProbs);
        int[] labels = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            labels[i] = Metrics.argmax(logProbs, i * k, k);
        }
        return labels;
    }

    /** Writes the inference graph {@link OnnxGraphExporter} builds; see the interface for the contract. */
    @Override
    public void writeOnnx(OutputStream out) throws IOException {
        checkOpen();
        OnnxGraphExporter.build(this, OnnxGraphExporter.Output.LOG_PROBABILITIES)
                .writeTo(out);
    }

    @Override
    public Map<String, String> exportFormats() {
        return Map.of(
                TRIBUO_FORMAT,
                "Tribuo model file (protobuf), loaded with Tribuo's Model.deserializeFromFile: "
                        + TribuoModels.classFor(this).getSimpleName());
    }

    /**
     * Writes {@code tribuo}: the model as a {@link TribuoModels Tribuo model} whose provenance records the dataset,
     * the training configuration, the epoch and the toolkit's and plugins' versions, in Tribuo's protobuf form
     * ({@code Model.serializeToStream}). Does not mutate the model. Throws ToolkitException for another format,
     * class names that disagree with the model's outputs, or an {@code fc} network when the host has no ONNX Runtime;
     * IOException when {@code out} fails.
     */
    @Override
    public void export(String format, ExportContext context, OutputStream out) throws IOException {
        checkOpen();
        if (!TRIBUO_FORMAT.equals(format)) {
            throw new ToolkitException("model " + name + " cannot be exported as '" + format + "'; it writes: "
                    + String.join(", ", exportFormats().keySet()));
        }
        if (context.classNames().size() != network.classCount()) {
            throw new ToolkitException("model " + name + " has " + network.classCount() + " outputs but "
                    + context.classNames().size() + " class names were given");
        }
        Map<String, String> extra =
                network.layerCount() == 1 ? Map.of() : Map.of("input-name", TribuoModels.ONNX_INPUT);
        org.tribuo.Model<Label> tribuo = TribuoModels.of(
                this,
                context.classNames(),
                TribuoProvenance.exported(TribuoModels.classFor(this), this, context, extra));
        try {
            tribuo.serializeToStream(out);
        } finally {
            if (tribuo instanceof AutoCloseable closeable) {
                closeQuietly(closeable);
            }
        }
    }

    /**
     * Evaluates the core's predictions with Tribuo's {@code LabelEvaluator}, recording this model in its Tribuo form
     * (the model {@code export --tribuo} writes) as the model evaluated. Does not mutate the model. Throws
     * ToolkitException for an {@code fc} network when the host has no ONNX Runtime.
     */
    @Override
    public ClassificationReport evaluationReport(ScoredExamples examples) {
        checkOpen();
        org.tribuo.Model<Label> tribuo = TribuoModels.of(
                this,
                examples.classNames(),
                TribuoProvenance.evaluated(TribuoModels.classFor(this), this, examples.description()));
        try {
            return TribuoEvaluation.report(tribuo, examples);
        } finally {
            if (tribuo instanceof AutoCloseable closeable) {
                closeQuietly(closeable);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Only an ONNX Runtime session is closed here; its failure cannot affect what was written or computed.
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model " + name + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            network.close();
        }
    }

    @Override
    public String toString() {
        return "DenseClassifier(" + name + ", widths=" + Arrays.toString(network.widths()) + ", seed=" + spec.seed()
                + ")";
    }
}
