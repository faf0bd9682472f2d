package org.mltoolkit.plugin.support.optim;

import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's update rule: with {@code g} the gradient plus {@code weightDecay * p},
 * and momentum {@code mu > 0}, {@code buf = mu buf + (1 - dampening) g} ({@code buf = g} at the first step) and
 * {@code g = nesterov ? g + mu buf : buf}; then {@code p -= lr g}, in float32. With momentum its state slot is
 * {@code momentum_buffer}; without, the state is the step count alone. Build it with {@link Optimizers#create};
 * not thread-safe.
 */
public final class Sgd extends BlockwiseOptimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private final float[] buffer;
    /** Per chunk: a block of the momentum buffer. */
    private final float[][] bufferBlocks;

    private boolean firstStep;
    private float rate;

    Sgd(
            List<Parameter> parameters,
            double learningRate,
            double momentum,
            double dampening,
            boolean nesterov,
            double weightDecay,
            int threads) {
        super("sgd", parameters, learningRate, threads);
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.buffer = momentum != 0 ? addSlot("momentum_buffer") : null;
        this.bufferBlocks = new float[momentum != 0 ? chunkCount() : 0][BLOCK];
    }

    @Override
    void prepareStep() {
        firstStep = stepCount() == 1;
        rate = (float) learningRate();
    }

    @Override
    void updateBlock(float[] p, float[] g, int offset, int length, int chunk, float[] sums) {
        float decay = (float) weightDecay;
        float pSquares = 0;
        float gSquares = 0;
        for (int i = 0; i < length; i++) {
            float pi = p[i];
            float gi = g[i];
            pSquares += pi * pi;
            gSquares += gi * gi;
            g[i] = gi + decay * pi;
        }
        sums[0] = pSquares;
        sums[1] = gSquares;
        if (buffer != null) {
            applyMomentum(g, offset, length, bufferBlocks[chunk]);
        }
        float lr = rate;
        for (int i = 0; i < length; i++) {
            p[i] -= lr * g[i];
        }
    }

    /**
     * Replaces {@code g[0..length)} by the momentum direction and updates the buffer at {@code offset}, through the
     * scratch block {@code b}.
     */
    private void applyMomentum(float[] g, int offset, int length, float[] b) {
        float mu = (float) momentum;
        float damp = (float) (1 - dampening);
        if (firstStep) {
            System.arraycopy(g, 0, b, 0, length);
        } else {
            System.arraycopy(buffer, offset, b, 0, length);
            for (int i = 0; i < length; i++) {
                b[i] = mu * b[i] + damp * g[i];
            }
        }
        System.arraycopy(b, 0, buffer, offset, length);
        if (nesterov) {
            for (int i = 0; i < length; i++) {
                g[i] += mu * b[i];
            }
        } else {
            System.arraycopy(b, 0, g, 0, length);
        }
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate() + ", momentum=" + momentum + ", dampening=" + dampening + ", nesterov="
                + nesterov + ", weight_decay=" + weightDecay + ")";
    }
}
