package org.mltoolkit.plugin.fc;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.support.optim.Parameter;

/**
 * Reads the optimizer state that checkpoints of this plugin held before its optimizers moved into the shared
 * support library, so that those runs can still be resumed. That state kept each moment as one flat tensor over all
 * parameters, named {@code adam.exp_avg}, {@code adam.exp_avg_sq}, {@code adam.step}, {@code sgd.momentum_buffer}
 * and {@code sgd.step}; today's names are per parameter, {@code exp_avg.layers.0.weight} and {@code step}.
 */
final class LegacyOptimizerState {
    private LegacyOptimizerState() {}

    /**
     * {@code state} in today's names when it is in the old ones, else {@code state} itself. Reads {@code state},
     * mutates nothing. Throws ToolkitException naming an old flat tensor whose length is not the parameters' total.
     */
    static Map<String, Tensor> upgrade(Map<String, Tensor> state, List<Parameter> parameters) {
        String prefix = state.containsKey("adam.step") ? "adam." : state.containsKey("sgd.step") ? "sgd." : null;
        if (prefix == null || state.containsKey("step")) {
            return state;
        }
        long total = parameters.stream().mapToLong(Parameter::size).sum();
        Map<String, Tensor> upgraded = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            if (!key.startsWith(prefix)) {
                upgraded.put(key, t);
                continue;
            }
            String slot = key.substring(prefix.length());
            if (slot.equals("step")) {
                upgraded.put("step", t);
            } else if (t.size() != 0) {
                if (t.size() != total) {
                    throw new ToolkitException("optimizer state entry '" + key + "' has " + t.size()
                            + " elements, expected " + total + " (one per parameter of the model)");
                }
                int offset = 0;
                for (Parameter p : parameters) {
                    upgraded.put(
                            slot + "." + p.name(),
                            new Tensor(p.shape(), Arrays.copyOfRange(t.data(), offset, offset + p.size())));
                    offset += p.size();
                }
            }
            // An empty flat tensor was SGD's momentum buffer without momentum: today there is no such entry.
        }
        return upgraded;
    }
}
