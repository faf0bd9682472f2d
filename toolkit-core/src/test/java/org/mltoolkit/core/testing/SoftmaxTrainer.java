package org.mltoolkit.core.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;

/**
 * Minibatch SGD or Adam for {@link SoftmaxRegression}, with its optimizer state as tensors. The trainer option
 * {@code nan_at_step=N} makes step N report a NaN loss, to test how a run stops.
 */
public final class SoftmaxTrainer implements Trainer {
    public static final String NAME = "softmax-trainer";
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final SoftmaxRegression model;
    private final boolean adam;
    private final int nanAtStep;
    private double learningRate;
    private final float[] gradWeight;
    private final float[] gradBias;
    private final float[] mWeight;
    private final float[] vWeight;
    private final float[] mBias;
    private final float[] vBias;
    private int steps;
    private float[] logProbs = new float[0];
    /** Every learning rate set, in order; tests read it. */
    public final java.util.List<Double> ratesSet = new java.util.ArrayList<>();

    SoftmaxTrainer(SoftmaxRegression model, TrainerSpec spec) {
        spec.options().requireOnly(NAME, java.util.Set.of("nan_at_step"));
        this.model = model;
        this.adam = switch (spec.optimizer()) {
            case "adam" -> true;
            case "sgd" -> false;
            default -> throw new InvalidConfigurationException("optimizer", spec.optimizer(), "expected adam or sgd");
        };
        this.nanAtStep = spec.options().getInt("nan_at_step", -1);
        this.learningRate = spec.learningRate();
        this.gradWeight = new float[model.weight.length];
        this.gradBias = new float[model.bias.length];
        this.mWeight = new float[model.weight.length];
        this.vWeight = new float[model.weight.length];
        this.mBias = new float[model.bias.length];
        this.vBias = new float[model.bias.length];
    }

    /** The provider: name {@code softmax-trainer}, supports {@code softmax} and {@code reporting-softmax}. */
    public static final class Provider implements TrainerProvider {
        /** The trainers this provider created, newest last; tests inspect them. */
        public final java.util.List<SoftmaxTrainer> created = new java.util.ArrayList<>();

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "SGD or Adam for softmax regression, for tests";
        }

        @Override
        public boolean supports(String modelName) {
            return modelName.equals("softmax") || modelName.equals(ReportingSoftmax.NAME);
        }

        @Override
        public Trainer create(Model model, TrainerSpec spec) {
            if (!(model instanceof SoftmaxRegression softmax)) {
                throw new ToolkitException("softmax-trainer cannot train " + model.name());
            }
            SoftmaxTrainer trainer = new SoftmaxTrainer(softmax, spec);
            created.add(trainer);
            return trainer;
        }
    }

    @Override
    public StepResult step(Batch batch) {
        int n = batch.size();
        int k = model.classes;
        int d = model.inputs;
        if (logProbs.length < n * k) {
            logProbs = new float[n * k];
        }
        model.forward(batch, logProbs);
        double loss = Metrics.sumNll(logProbs, batch.labels(), n, k) / n;
        int correct = Metrics.countCorrect(logProbs, batch.labels(), n, k);
        double paramNorm = model.parameterNorm();
        java.util.Arrays.fill(gradWeight, 0);
        java.util.Arrays.fill(gradBias, 0);
        float[] x = batch.features();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                float g = (float) ((Math.exp(logProbs[i * k + c]) - (batch.labels()[i] == c ? 1 : 0)) / n);
                gradBias[c] += g;
                for (int j = 0; j < d; j++) {
                    gradWeight[c * d + j] += g * x[i * d + j];
                }
            }
        }
        double gradNorm = Math.sqrt(Metrics.sumOfSquares(gradWeight) + Metrics.sumOfSquares(gradBias));
        steps++;
        update(model.weight, gradWeight, mWeight, vWeight);
        update(model.bias, gradBias, mBias, vBias);
        return new StepResult(steps == nanAtStep ? Double.NaN : loss, correct, paramNorm, gradNorm);
    }

    private void update(float[] p, float[] g, float[] m, float[] v) {
        if (!adam) {
            for (int i = 0; i < p.length; i++) {
                p[i] -= (float) (learningRate * g[i]);
            }
            return;
        }
        double c1 = 1 - Math.pow(BETA1, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        for (int i = 0; i < p.length; i++) {
            m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
            v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * g[i]);
            p[i] -= (float) (learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON));
        }
    }

    @Override
    public void setLearningRate(double value) {
        learningRate = value;
        ratesSet.add(value);
    }

    @Override
    public Map<String, Tensor> optimizerState() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("step", Tensor.scalar(steps));
        state.put("m.weight", Tensor.copyOf(mWeight, mWeight.length));
        state.put("v.weight", Tensor.copyOf(vWeight, vWeight.length));
        state.put("m.bias", Tensor.copyOf(mBias, mBias.length));
        state.put("v.bias", Tensor.copyOf(vBias, vBias.length));
        return state;
    }

    @Override
    public void loadOptimizerState(Map<String, Tensor> state) {
        for (String key : new String[] {"step", "m.weight", "v.weight", "m.bias", "v.bias"}) {
            if (!state.containsKey(key)) {
                throw new ToolkitException("optimizer state lacks '" + key + "'");
            }
        }
        steps = (int) state.get("step").data()[0];
        System.arraycopy(state.get("m.weight").data(), 0, mWeight, 0, mWeight.length);
        System.arraycopy(state.get("v.weight").data(), 0, vWeight, 0, vWeight.length);
        System.arraycopy(state.get("m.bias").data(), 0, mBias, 0, mBias.length);
        System.arraycopy(state.get("v.bias").data(), 0, vBias, 0, vBias.length);
    }

    @Override
    public void close() {
        // nothing native
    }
}
