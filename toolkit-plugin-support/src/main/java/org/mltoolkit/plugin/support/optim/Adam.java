package org.mltoolkit.plugin.support.optim;

import java.util.List;

/**
 * Adam with PyTorch's update rule (not AdamW): with {@code g} the gradient plus {@code weightDecay * p},
 * {@code m = beta1 m + (1 - beta1) g}, {@code v = beta2 v + (1 - beta2) g^2} and
 * {@code p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}, in float32 (the division by
 * {@code sqrt(1 - beta2^t)} is a multiplication by its float reciprocal). Its state slots are {@code exp_avg} and
 * {@code exp_avg_sq}. Build it with {@link Optimizers#create}; not thread-safe.
 */
public final class Adam extends BlockwiseOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final float[] firstMoment;
    private final float[] secondMoment;
    /** Per chunk: a block of each moment. */
    private final float[][] firstBlocks;

    private final float[][] secondBlocks;
    private float stepSize;
    private float inverseSqrtCorrection2;

    Adam(
            List<Parameter> parameters,
            double learningRate,
            double beta1,
            double beta2,
            double epsilon,
            double weightDecay,
            int threads) {
        super("adam", parameters, learningRate, threads);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.firstMoment = addSlot("exp_avg");
        this.secondMoment = addSlot("exp_avg_sq");
        this.firstBlocks = new float[chunkCount()][BLOCK];
        this.secondBlocks = new float[chunkCount()][BLOCK];
    }

    @Override
    void prepareStep() {
        long t = stepCount();
        stepSize = (float) (learningRate() / (1 - Math.pow(beta1, t)));
        inverseSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
    }

    @Override
    void updateBlock(float[] p, float[] g, int offset, int length, int chunk, float[] sums) {
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        float decay = (float) weightDecay;
        float size = stepSize;
        float correction = inverseSqrtCorrection2;
        float[] m = firstBlocks[chunk];
        float[] v = secondBlocks[chunk];
        System.arraycopy(firstMoment, offset, m, 0, length);
        System.arraycopy(secondMoment, offset, v, 0, length);
        float pSquares = 0;
        float gSquares = 0;
        for (int i = 0; i < length; i++) {
            float pi = p[i];
            float gi = g[i];
            pSquares += pi * pi;
            gSquares += gi * gi;
            gi += decay * pi;
            float mi = b1 * m[i] + oneMinusB1 * gi;
            float vi = b2 * v[i] + oneMinusB2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - size * mi / ((float) Math.sqrt(vi) * correction + eps);
        }
        System.arraycopy(m, 0, firstMoment, offset, length);
        System.arraycopy(v, 0, secondMoment, offset, length);
        sums[0] = pSquares;
        sums[1] = gSquares;
    }

    @Override
    public String toString() {
        return "Adam(lr=" + learningRate() + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon
                + ", weight_decay=" + weightDecay + ")";
    }
}
