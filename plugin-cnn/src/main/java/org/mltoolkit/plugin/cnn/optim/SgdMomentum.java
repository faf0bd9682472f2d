package org.mltoolkit.plugin.cnn.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;

/**
 * SGD with momentum, PyTorch's semantics: b = momentum * b + g (b = g at the first step), p -= lr * b. With
 * momentum 0 it is plain SGD.
 */
public final class SgdMomentum implements Optimizer {
    private final double momentum;
    private final MomentBuffers velocity;
    private double learningRate;
    private long step;

    public SgdMomentum(List<ParameterSpec> parameters, double learningRate, double momentum) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.velocity = new MomentBuffers("momentum_buffer", parameters);
    }

    @Override
    public void step(FloatBuffer[] parameters, FloatBuffer[] gradients) {
        boolean firstStep = step == 0;
        step++;
        float lr = (float) learningRate;
        float mu = (float) momentum;
        IntStream.range(0, parameters.length).parallel().forEach(t -> {
            FloatBuffer p = parameters[t];
            FloatBuffer g = gradients[t];
            float[] b = velocity.values[t];
            for (int i = 0; i < b.length; i++) {
                float bi = firstStep ? g.get(i) : mu * b[i] + g.get(i);
                b[i] = bi;
                p.put(i, p.get(i) - lr * bi);
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
        velocity.save(state);
        return state;
    }

    @Override
    public void loadState(Map<String, Tensor> state) {
        long restoredStep = MomentBuffers.readStep(state);
        List<String> known = new ArrayList<>(velocity.validate(state));
        known.add("step");
        MomentBuffers.requireNoOthers(state, known);
        velocity.load(state);
        step = restoredStep;
    }

    @Override
    public String toString() {
        return "SGD(lr=" + learningRate + ", momentum=" + momentum + ")";
    }
}
