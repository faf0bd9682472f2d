package org.mltoolkit.plugin.fc;

import java.util.Arrays;
import java.util.Map;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;

/** Validation shared by the optimizers' {@code loadState}. */
final class OptimizerStates {
    private OptimizerStates() {}

    /** Throws ToolkitException naming the first (in name order) missing, unexpected or mis-shaped entry. */
    static void check(String optimizer, Map<String, Tensor> state, Map<String, long[]> expected) {
        for (Map.Entry<String, long[]> e : new java.util.TreeMap<>(expected).entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) {
                throw new ToolkitException("optimizer " + optimizer + ": state entry '" + e.getKey()
                        + "' is missing (present: " + state.keySet() + ")");
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ToolkitException("optimizer " + optimizer + ": state entry '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue()));
            }
        }
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                throw new ToolkitException("optimizer " + optimizer + ": unexpected state entry '" + key + "'");
            }
        }
    }
}
