package org.mltoolkit.plugin.fc;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.support.optim.Parameter;

/**
 * A {@link DenseNetwork} as the toolkit sees it: {@code fc} or {@code linear}. State-dict names follow
 * PyTorch's {@code nn.Sequential} naming of the reference ({@code layers.0.weight}, {@code layers.2.running_mean},
 * ...), with {@code num_batches_tracked} as a scalar.
 *
 * <p>Not thread-safe: one call at a time (the core's contract).
 */
public final class DenseClassifier implements Model, OnnxExportable {
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

    @Override
    public void exportOnnx(Path file) {
        checkOpen();
        OnnxGraphExporter.export(this, file);
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
