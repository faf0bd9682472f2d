package org.mltoolkit.plugin.cnn.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;

/**
 * Adam with PyTorch's semantics (no weight decay): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). Parameters are updated in parallel chunks.
 */
public final class Adam implements Optimizer {
    private static final int CHUNK = 1 << 16;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final MomentBuffers first;
    private final MomentBuffers second;
    private double learningRate;
    private long step;

    public Adam(List<ParameterSpec> parameters, double learningRate, double beta1, double beta2, double epsilon) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.first = new MomentBuffers("exp_avg", parameters);
        this.second = new MomentBuffers("exp_avg_sq", parameters);
    }

    @Override
    public void step(FloatBuffer[] parameters, FloatBuffer[] gradients) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate / correction1);
        float sqrtCorrection2 = (float) Math.sqrt(correction2);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float eps = (float) epsilon;
        List<int[]> chunks = new ArrayList<>();
        for (int t = 0; t < parameters.length; t++) {
            int n = first.values[t].length;
            for (int start = 0; start < n; start += CHUNK) {
                chunks.add(new int[] {t, start, Math.min(n, start + CHUNK)});
            }
        }
        IntStream.range(0, chunks.size()).parallel().forEach(k -> {
            int[] chunk = chunks.get(k);
            int t = chunk[0];
            FloatBuffer p = parameters[t];
            FloatBuffer g = gradients[t];
            float[] m = first.values[t];
            float[] v = second.values[t];
            for (int i = chunk[1]; i < chunk[2]; i++) {
                float gi = g.get(i);
                float mi = b1 * m[i] + (1 - b1) * gi;
                float vi = b2 * v[i] + (1 - b2) * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p.put(i, p.get(i) - stepSize * mi / ((float) Math.sqrt(vi) / sqrtCorrection2 + eps));
            }
        });
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = MomentBuffers.newState(step);
        first.save(state);
        second.save(state);
        return state;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        long restoredStep = MomentBuffers.readStep(state);
        List<String> known = new ArrayList<>(first.validate(state));
        known.addAll(second.validate(state));
        known.add("step");
        MomentBuffers.requireNoOthers(state, known);
        first.load(state);
        second.load(state);
        step = restoredStep;
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ")";
    }
}
