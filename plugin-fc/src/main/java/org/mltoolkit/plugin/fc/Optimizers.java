package org.mltoolkit.plugin.fc;

import java.util.Set;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.TrainerSpec;

/** Builds a {@link FlatOptimizer} from a trainer spec: {@code adam} (default) or {@code sgd}, with their options. */
final class Optimizers {
    static final Set<String> ADAM_OPTIONS = Set.of("beta1", "beta2", "eps", "weight_decay");
    static final Set<String> SGD_OPTIONS = Set.of("momentum", "dampening", "nesterov", "weight_decay");

    private Optimizers() {}

    /**
     * Throws InvalidConfigurationException for an unknown optimizer, an option it does not take or a value out
     * of range.
     */
    static FlatOptimizer create(String trainer, TrainerSpec spec, int size, int threads) {
        var o = spec.options();
        switch (spec.optimizer()) {
            case "adam" -> {
                o.requireOnly("trainer " + trainer + " with adam", ADAM_OPTIONS);
                double beta1 = inUnitInterval("beta1", o.getDouble("beta1", 0.9));
                double beta2 = inUnitInterval("beta2", o.getDouble("beta2", 0.999));
                double eps = nonNegative("eps", o.getDouble("eps", 1e-8));
                double decay = nonNegative("weight_decay", o.getDouble("weight_decay", 0));
                return new AdamOptimizer(size, spec.learningRate(), beta1, beta2, eps, decay, threads);
            }
            case "sgd" -> {
                o.requireOnly("trainer " + trainer + " with sgd", SGD_OPTIONS);
                double momentum = nonNegative("momentum", o.getDouble("momentum", 0));
                double dampening = inUnitInterval("dampening", o.getDouble("dampening", 0));
                boolean nesterov = o.getBoolean("nesterov", false);
                double decay = nonNegative("weight_decay", o.getDouble("weight_decay", 0));
                if (nesterov && (momentum <= 0 || dampening != 0)) {
                    throw new InvalidConfigurationException("nesterov", true, "needs momentum > 0 and dampening 0");
                }
                return new SgdOptimizer(size, spec.learningRate(), momentum, dampening, nesterov, decay, threads);
            }
            default ->
                throw new InvalidConfigurationException(
                        "optimizer", spec.optimizer(), "trainer " + trainer + " knows adam and sgd");
        }
    }

    private static double inUnitInterval(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new InvalidConfigurationException(key, value, "must be in [0, 1)");
        }
        return value;
    }

    private static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidConfigurationException(key, value, "must be a finite number >= 0");
        }
        return value;
    }
}
