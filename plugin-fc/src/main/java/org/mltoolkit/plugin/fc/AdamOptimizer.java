package org.mltoolkit.plugin.fc;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.api.Tensor;

/**
 * Adam as PyTorch computes it: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}, optional L2 weight decay added to the gradient.
 * The update, the parameter norm and the gradient norm are one fused pass, split over the threads.
 */
final class AdamOptimizer implements FlatOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NativeFloats firstMoment;
    private final NativeFloats secondMoment;
    private static final int BLOCK = 2048;

    private final ParallelRange parallel;
    private final float[][][] blocks;
    private double learningRate;
    private long step;

    AdamOptimizer(
            int size,
            double learningRate,
            double beta1,
            double beta2,
            double epsilon,
            double weightDecay,
            int threads) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.firstMoment = NativeFloats.allocate(size);
        this.secondMoment = NativeFloats.allocate(size);
        this.parallel = new ParallelRange(threads, 2);
        this.blocks = new float[parallel.threads()][4][BLOCK];
    }

    @Override
    public void step(NativeFloats parameters, NativeFloats gradients, double[] norms) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate / bias1);
        float invSqrtBias2 = (float) (1 / Math.sqrt(bias2));
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float decay = (float) weightDecay;
        FloatBuffer p = parameters.buffer();
        FloatBuffer g = gradients.buffer();
        FloatBuffer m = firstMoment.buffer();
        FloatBuffer v = secondMoment.buffer();
        norms[0] = 0;
        norms[1] = 0;
        parallel.run(
                parameters.length(),
                (from, to, chunk, partial) -> {
                    // Blocks are copied into Java arrays so that C2 vectorises the update (it does not vectorise loops
                    // over direct buffers).
                    float[][] scratch = blocks[chunk];
                    float[] pb = scratch[0];
                    float[] gb = scratch[1];
                    float[] mb = scratch[2];
                    float[] vb = scratch[3];
                    double pSq = 0;
                    double gSq = 0;
                    for (int start = from; start < to; start += BLOCK) {
                        int len = Math.min(BLOCK, to - start);
                        p.get(start, pb, 0, len);
                        g.get(start, gb, 0, len);
                        m.get(start, mb, 0, len);
                        v.get(start, vb, 0, len);
                        float blockPSq = 0;
                        float blockGSq = 0;
                        for (int i = 0; i < len; i++) {
                            float pi = pb[i];
                            float gi = gb[i];
                            blockPSq += pi * pi;
                            blockGSq += gi * gi;
                            gi += decay * pi;
                            float mi = b1 * mb[i] + oneMinusB1 * gi;
                            float vi = b2 * vb[i] + oneMinusB2 * gi * gi;
                            mb[i] = mi;
                            vb[i] = vi;
                            pb[i] = pi - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + eps);
                        }
                        pSq += blockPSq;
                        gSq += blockGSq;
                        p.put(start, pb, 0, len);
                        m.put(start, mb, 0, len);
                        v.put(start, vb, 0, len);
                    }
                    partial[0] = pSq;
                    partial[1] = gSq;
                },
                norms);
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("adam.exp_avg", new Tensor(new long[] {firstMoment.length()}, firstMoment.toArray()));
        state.put("adam.exp_avg_sq", new Tensor(new long[] {secondMoment.length()}, secondMoment.toArray()));
        state.put("adam.step", Tensor.scalar(step));
        return state;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        OptimizerStates.check(
                "adam",
                state,
                Map.of(
                        "adam.exp_avg", new long[] {firstMoment.length()},
                        "adam.exp_avg_sq", new long[] {secondMoment.length()},
                        "adam.step", new long[0]));
        firstMoment.set(state.get("adam.exp_avg").data());
        secondMoment.set(state.get("adam.exp_avg_sq").data());
        step = (long) state.get("adam.step").data()[0];
    }

    @Override
    public void close() {
        parallel.close();
        firstMoment.close();
        secondMoment.close();
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ", weight_decay="
                + weightDecay + ")";
    }
}
