package org.mltoolkit.plugin.cnn.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;

/** Per-parameter float arrays of optimizer moments, saved and restored under {@code kind.parameterName}. */
final class MomentBuffers {
    private final String kind;
    private final List<ParameterSpec> parameters;
    final float[][] values;

    MomentBuffers(String kind, List<ParameterSpec> parameters) {
        this.kind = kind;
        this.parameters = parameters;
        this.values = new float[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            values[i] = new float[parameters.get(i).size()];
        }
    }

    void save(Map<String, Tensor> into) {
        for (int i = 0; i < parameters.size(); i++) {
            into.put(
                    kind + "." + parameters.get(i).name(),
                    Tensor.copyOf(values[i], parameters.get(i).shape()));
        }
    }

    /** Checks that {@code state} holds every moment with the right shape; returns the names it uses. */
    List<String> validate(Map<String, Tensor> state) {
        List<String> used = new ArrayList<>();
        for (ParameterSpec p : parameters) {
            String key = kind + "." + p.name();
            Tensor t = state.get(key);
            if (t == null) {
                throw new ToolkitException("optimizer state has no entry '" + key + "'");
            }
            if (!java.util.Arrays.equals(t.shape(), p.shape())) {
                throw new ToolkitException("optimizer state entry '" + key + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(p.shape()));
            }
            used.add(key);
        }
        return used;
    }

    void load(Map<String, Tensor> state) {
        for (int i = 0; i < parameters.size(); i++) {
            float[] source = state.get(kind + "." + parameters.get(i).name()).data();
            System.arraycopy(source, 0, values[i], 0, source.length);
        }
    }

    static void requireNoOthers(Map<String, Tensor> state, List<String> known) {
        for (String key : state.keySet()) {
            if (!known.contains(key)) {
                throw new ToolkitException("optimizer state has an unexpected entry '" + key + "'");
            }
        }
    }

    static long readStep(Map<String, Tensor> state) {
        Tensor step = state.get("step");
        if (step == null || step.size() != 1 || step.shape().length != 0) {
            throw new ToolkitException("optimizer state entry 'step' is missing or not a scalar");
        }
        float v = step.data()[0];
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new ToolkitException("optimizer state entry 'step' is " + v + ", expected a whole number >= 0");
        }
        return (long) v;
    }

    static Map<String, Tensor> newState(long step) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("step", Tensor.scalar(step));
        return state;
    }
}
