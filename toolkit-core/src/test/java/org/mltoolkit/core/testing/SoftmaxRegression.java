package org.mltoolkit.core.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;

/**
 * Softmax regression ({@code logits = W x + b}) in plain Java: the tests' real, trainable model. Its option
 * {@code note} becomes its {@link #description()} (for tests of how descriptions are shown). Open for
 * {@link ReportingSoftmax}, which adds named export formats and its own evaluation report.
 */
public class SoftmaxRegression implements Model {
    /** The option whose value {@link #description()} shows. */
    public static final String NOTE = "note";
    /** The option that sets {@link #minTrainingBatch()} (1 by default), as a network with BatchNorm would. */
    public static final String MIN_BATCH = "min-batch";

    final int inputs;
    final int classes;
    final float[] weight;
    final float[] bias;
    private final String note;
    private final int minBatch;

    SoftmaxRegression(ModelSpec spec) {
        this(spec, java.util.Set.of());
    }

    /** Throws InvalidConfigurationException for a model option not in {@code knownOptions}. */
    SoftmaxRegression(ModelSpec spec, java.util.Set<String> knownOptions) {
        java.util.Set<String> known = new java.util.HashSet<>(knownOptions);
        known.add(NOTE);
        known.add(MIN_BATCH);
        spec.options().requireOnly(name(), known);
        this.note = spec.options().getString(NOTE, null);
        this.minBatch = spec.options().getInt(MIN_BATCH, 1);
        this.inputs = spec.inputShape().size();
        this.classes = spec.numClasses();
        this.weight = new float[classes * inputs];
        this.bias = new float[classes];
        SplittableRandom random = new SplittableRandom(spec.seed());
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) ((random.nextDouble() - 0.5) * 0.1);
        }
    }

    @Override
    public int minTrainingBatch() {
        return minBatch;
    }

    /** The provider: name {@code softmax}, flat batches, default trainer {@code softmax-trainer}. */
    public static final class Provider implements ModelProvider {
        @Override
        public String name() {
            return "softmax";
        }

        @Override
        public String description() {
            return "softmax regression for tests";
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
            return new SoftmaxRegression(spec);
        }
    }

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public String device() {
        return "cpu";
    }

    @Override
    public Map<String, String> description() {
        return note == null ? Map.of() : Map.of(NOTE, note);
    }

    @Override
    public long parameterCount() {
        return weight.length + bias.length;
    }

    /** Writes log-softmax outputs of the first {@code batch.size()} rows into {@code out}. */
    void forward(Batch batch, float[] out) {
        float[] x = batch.features();
        for (int i = 0; i < batch.size(); i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                float z = bias[k];
                for (int j = 0; j < inputs; j++) {
                    z += weight[k * inputs + j] * x[i * inputs + j];
                }
                out[i * classes + k] = z;
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(out[i * classes + k] - max);
            }
            float logSum = (float) (max + Math.log(sum));
            for (int k = 0; k < classes; k++) {
                out[i * classes + k] -= logSum;
            }
        }
    }

    @Override
    public void predictLogProbabilities(Batch batch, float[] out) {
        forward(batch, out);
    }

    @Override
    public double parameterNorm() {
        return Math.sqrt(Metrics.sumOfSquares(weight) + Metrics.sumOfSquares(bias));
    }

    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.copyOf(weight, classes, inputs));
        state.put("bias", Tensor.copyOf(bias, classes));
        return state;
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        Tensor w = state.get("weight");
        Tensor b = state.get("bias");
        if (w == null || b == null || state.size() != 2) {
            throw new ToolkitException("softmax state needs exactly 'weight' and 'bias', got " + state.keySet());
        }
        if (w.size() != weight.length || b.size() != bias.length) {
            throw new ToolkitException("softmax state has shapes " + w + " and " + b + ", expected [" + classes + ", "
                    + inputs + "] and [" + classes + "]");
        }
        System.arraycopy(w.data(), 0, weight, 0, weight.length);
        System.arraycopy(b.data(), 0, bias, 0, bias.length);
    }

    @Override
    public void close() {
        // nothing native
    }
}
