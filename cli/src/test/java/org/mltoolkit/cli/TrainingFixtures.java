package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;

/**
 * What the train and evaluate command tests run: an in-memory dataset {@code blobs} (separable clusters) and a
 * softmax-regression model {@code softmax} with an SGD/Adam trainer, all in plain Java. The trainer option
 * {@code nan_at_step=N} makes step N report a NaN loss.
 */
final class TrainingFixtures {
    static final ExampleShape SHAPE = new ExampleShape(1, 2, 2);

    private TrainingFixtures() {}

    /** Dataset {@code blobs}: 300 training and 60 test examples of 3 classes, always present. */
    static final class Blobs implements DatasetProvider {
        @Override
        public String name() {
            return "blobs";
        }

        @Override
        public String description() {
            return "separable clusters for tests";
        }

        @Override
        public ExampleShape exampleShape() {
            return SHAPE;
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public List<Path> files(Path dataDir) {
            return List.of();
        }

        @Override
        public boolean isPresent(Path dataDir) {
            return true;
        }

        @Override
        public List<FetchedFile> fetch(FetchRequest request) {
            return List.of();
        }

        @Override
        public DatasetSplits load(Path dataDir) {
            SplittableRandom random = new SplittableRandom(5);
            float[][] centres = {{0.1f, 0.1f, 0.9f, 0.9f}, {0.9f, 0.1f, 0.1f, 0.9f}, {0.5f, 0.9f, 0.5f, 0.1f}};
            return new DatasetSplits(name(), split(300, centres, random), split(60, centres, random), classNames());
        }

        private static LabeledData split(int n, float[][] centres, SplittableRandom random) {
            float[] x = new float[n * 4];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = random.nextInt(3);
                for (int j = 0; j < 4; j++) {
                    x[i * 4 + j] = centres[y[i]][j] + (float) ((random.nextDouble() - 0.5) * 0.2);
                }
            }
            return new LabeledData(x, y, SHAPE, 3);
        }
    }

    /** Model {@code softmax}: logits = W x + b. */
    static final class Softmax implements Model {
        final int inputs;
        final int classes;
        final float[] w;
        final float[] b;

        Softmax(ModelSpec spec) {
            inputs = spec.inputShape().size();
            classes = spec.numClasses();
            w = new float[classes * inputs];
            b = new float[classes];
            SplittableRandom random = new SplittableRandom(spec.seed());
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) ((random.nextDouble() - 0.5) * 0.1);
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
        public long parameterCount() {
            return w.length + b.length;
        }

        @Override
        public void predictLogProbabilities(Batch batch, float[] out) {
            float[] x = batch.features();
            for (int i = 0; i < batch.size(); i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < classes; k++) {
                    float z = b[k];
                    for (int j = 0; j < inputs; j++) {
                        z += w[k * inputs + j] * x[i * inputs + j];
                    }
                    out[i * classes + k] = z;
                    max = Math.max(max, z);
                }
                double sum = 0;
                for (int k = 0; k < classes; k++) {
                    sum += Math.exp(out[i * classes + k] - max);
                }
                float log = (float) (max + Math.log(sum));
                for (int k = 0; k < classes; k++) {
                    out[i * classes + k] -= log;
                }
            }
        }

        @Override
        public double parameterNorm() {
            return Math.sqrt(Metrics.sumOfSquares(w) + Metrics.sumOfSquares(b));
        }

        @Override
        public Map<String, Tensor> stateDict() {
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("w", Tensor.copyOf(w, classes, inputs));
            state.put("b", Tensor.copyOf(b, classes));
            return state;
        }

        @Override
        public void loadStateDict(Map<String, Tensor> state) {
            Tensor tw = state.get("w");
            Tensor tb = state.get("b");
            if (tw == null || tb == null || tw.size() != w.length || tb.size() != b.length) {
                throw new ToolkitException(
                        "softmax needs 'w' [" + classes + ", " + inputs + "] and 'b' [" + classes + "], got " + state);
            }
            System.arraycopy(tw.data(), 0, w, 0, w.length);
            System.arraycopy(tb.data(), 0, b, 0, b.length);
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    static final class SoftmaxProvider implements ModelProvider {
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
            return "sgd-test";
        }

        @Override
        public Model create(ModelSpec spec) {
            return new Softmax(spec);
        }
    }

    /** Trainer {@code sgd-test}: optimizers {@code sgd} and {@code adam}. */
    static final class SoftmaxTrainer implements Trainer {
        private final Softmax model;
        private final boolean adam;
        private final int nanAtStep;
        private double lr;
        private final float[] gw;
        private final float[] gb;
        private final float[] m;
        private final float[] v;
        private int steps;

        SoftmaxTrainer(Softmax model, TrainerSpec spec) {
            spec.options().requireOnly("sgd-test", java.util.Set.of("nan_at_step"));
            this.model = model;
            this.adam = switch (spec.optimizer()) {
                case "adam" -> true;
                case "sgd" -> false;
                default ->
                    throw new InvalidConfigurationException("--optimizer", spec.optimizer(), "expected adam or sgd");
            };
            this.nanAtStep = spec.options().getInt("nan_at_step", -1);
            this.lr = spec.learningRate();
            gw = new float[model.w.length];
            gb = new float[model.b.length];
            m = new float[gw.length + gb.length];
            v = new float[gw.length + gb.length];
        }

        @Override
        public StepResult step(Batch batch) {
            int n = batch.size();
            int k = model.classes;
            int d = model.inputs;
            float[] logp = new float[n * k];
            model.predictLogProbabilities(batch, logp);
            double loss = Metrics.sumNll(logp, batch.labels(), n, k) / n;
            int correct = Metrics.countCorrect(logp, batch.labels(), n, k);
            double norm = model.parameterNorm();
            java.util.Arrays.fill(gw, 0);
            java.util.Arrays.fill(gb, 0);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    float g = (float) ((Math.exp(logp[i * k + c]) - (batch.labels()[i] == c ? 1 : 0)) / n);
                    gb[c] += g;
                    for (int j = 0; j < d; j++) {
                        gw[c * d + j] += g * batch.features()[i * d + j];
                    }
                }
            }
            double gradNorm = Math.sqrt(Metrics.sumOfSquares(gw) + Metrics.sumOfSquares(gb));
            steps++;
            update(model.w, gw, 0);
            update(model.b, gb, gw.length);
            return new StepResult(steps == nanAtStep ? Double.NaN : loss, correct, norm, gradNorm);
        }

        private void update(float[] p, float[] g, int offset) {
            for (int i = 0; i < p.length; i++) {
                if (adam) {
                    m[offset + i] = 0.9f * m[offset + i] + 0.1f * g[i];
                    v[offset + i] = 0.999f * v[offset + i] + 0.001f * g[i] * g[i];
                    double mh = m[offset + i] / (1 - Math.pow(0.9, steps));
                    double vh = v[offset + i] / (1 - Math.pow(0.999, steps));
                    p[i] -= (float) (lr * mh / (Math.sqrt(vh) + 1e-8));
                } else {
                    p[i] -= (float) (lr * g[i]);
                }
            }
        }

        @Override
        public void setLearningRate(double learningRate) {
            lr = learningRate;
        }

        @Override
        public Map<String, Tensor> optimizerState() {
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("step", Tensor.scalar(steps));
            state.put("m", Tensor.copyOf(m, m.length));
            state.put("v", Tensor.copyOf(v, v.length));
            return state;
        }

        @Override
        public void loadOptimizerState(Map<String, Tensor> state) {
            if (!state.keySet().containsAll(List.of("step", "m", "v"))) {
                throw new ToolkitException("optimizer state lacks step, m or v: " + state.keySet());
            }
            steps = (int) state.get("step").data()[0];
            System.arraycopy(state.get("m").data(), 0, m, 0, m.length);
            System.arraycopy(state.get("v").data(), 0, v, 0, v.length);
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    static final class SoftmaxTrainerProvider implements TrainerProvider {
        @Override
        public String name() {
            return "sgd-test";
        }

        @Override
        public String description() {
            return "SGD or Adam for the test softmax";
        }

        @Override
        public boolean supports(String modelName) {
            return modelName.equals("softmax");
        }

        @Override
        public Trainer create(Model model, TrainerSpec spec) {
            return new SoftmaxTrainer((Softmax) model, spec);
        }
    }
}
