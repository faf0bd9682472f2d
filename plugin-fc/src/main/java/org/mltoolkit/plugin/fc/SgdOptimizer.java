package org.mltoolkit.plugin.fc;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.api.Tensor;

/**
 * SGD as PyTorch computes it: optional L2 weight decay added to the gradient, optional momentum
 * ({@code buf = momentum buf + (1 - dampening) g}, the first step {@code buf = g}), optional Nesterov, then
 * {@code p -= lr * update}.
 */
final class SgdOptimizer implements FlatOptimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private final NativeFloats momentumBuffer;
    private final ParallelRange parallel;
    private double learningRate;
    private long step;

    SgdOptimizer(
            int size,
            double learningRate,
            double momentum,
            double dampening,
            boolean nesterov,
            double weightDecay,
            int threads) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.momentumBuffer = NativeFloats.allocate(momentum != 0 ? size : 0);
        this.parallel = new ParallelRange(threads, 2);
    }

    @Override
    public void step(NativeFloats parameters, NativeFloats gradients, double[] norms) {
        boolean first = step == 0;
        step++;
        float lr = (float) learningRate;
        float mu = (float) momentum;
        float damp = (float) (1 - dampening);
        float decay = (float) weightDecay;
        boolean useMomentum = momentum != 0;
        FloatBuffer p = parameters.buffer();
        FloatBuffer g = gradients.buffer();
        FloatBuffer b = momentumBuffer.buffer();
        norms[0] = 0;
        norms[1] = 0;
        parallel.run(
                parameters.length(),
                (from, to, chunk, partial) -> {
                    double pSq = 0;
                    double gSq = 0;
                    for (int i = from; i < to; i++) {
                        float pi = p.get(i);
                        float gi = g.get(i);
                        pSq += pi * pi;
                        gSq += gi * gi;
                        gi += decay * pi;
                        if (useMomentum) {
                            float bi = first ? gi : mu * b.get(i) + damp * gi;
                            b.put(i, bi);
                            gi = nesterov ? gi + mu * bi : bi;
                        }
                        p.put(i, pi - lr * gi);
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
        state.put("sgd.momentum_buffer", new Tensor(new long[] {momentumBuffer.length()}, momentumBuffer.toArray()));
        state.put("sgd.step", Tensor.scalar(step));
        return state;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        OptimizerStates.check(
                "sgd",
                state,
                Map.of(
                        "sgd.momentum_buffer", new long[] {momentumBuffer.length()},
                        "sgd.step", new long[0]));
        momentumBuffer.set(state.get("sgd.momentum_buffer").data());
        step = (long) state.get("sgd.step").data()[0];
    }

    @Override
    public void close() {
        parallel.close();
        momentumBuffer.close();
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate + ", momentum=" + momentum + ", dampening=" + dampening + ", nesterov="
                + nesterov + ", weight_decay=" + weightDecay + ")";
    }
}
