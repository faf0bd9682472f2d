package org.mltoolkit.plugin.support.optim;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.TrainerSpec;

/**
 * Builds an {@link Optimizer} from a trainer's settings: the optimizer's name ({@code adam} or {@code sgd}), the
 * learning rate, and the trainer options each takes, with PyTorch's defaults.
 *
 * <table>
 * <caption>Optimizer options and their defaults</caption>
 * <tr><th>optimizer</th><th>option</th><th>default</th><th>allowed</th></tr>
 * <tr><td>adam</td><td>{@code beta1}</td><td>0.9</td><td>[0, 1)</td></tr>
 * <tr><td>adam</td><td>{@code beta2}</td><td>0.999</td><td>[0, 1)</td></tr>
 * <tr><td>adam</td><td>{@code eps}</td><td>1e-8</td><td>finite, &gt;= 0</td></tr>
 * <tr><td>adam, sgd</td><td>{@code weight_decay}</td><td>0</td><td>finite, &gt;= 0</td></tr>
 * <tr><td>sgd</td><td>{@code momentum}</td><td>0</td><td>finite, &gt;= 0</td></tr>
 * <tr><td>sgd</td><td>{@code dampening}</td><td>0</td><td>[0, 1)</td></tr>
 * <tr><td>sgd</td><td>{@code nesterov}</td><td>false</td><td>true needs momentum &gt; 0 and dampening 0</td></tr>
 * </table>
 */
public final class Optimizers {
    /** The optimizers by name. */
    public static final List<String> NAMES = List.of("adam", "sgd");

    /** The trainer options Adam takes. */
    public static final Set<String> ADAM_OPTIONS = Set.of("beta1", "beta2", "eps", "weight_decay");

    /** The trainer options SGD takes. */
    public static final Set<String> SGD_OPTIONS = Set.of("momentum", "dampening", "nesterov", "weight_decay");

    private Optimizers() {}

    /**
     * The optimizer {@code spec} names, over {@code parameters}, splitting each step over {@code threads} threads.
     * {@code trainer} names the trainer in messages ({@code trainer 'ort'}); {@code trainerOptions} are the options
     * the trainer takes itself, which the optimizer lets through. Throws InvalidConfigurationException for an unknown
     * optimizer (naming the setting {@code optimizer}), an option neither takes, or a value out of range; and
     * IllegalArgumentException when {@code threads} is below 1 or two parameters share a name.
     */
    public static Optimizer create(
            TrainerSpec spec, List<Parameter> parameters, int threads, String trainer, Set<String> trainerOptions) {
        PluginOptions o = spec.options();
        String name = spec.optimizer().trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "adam" -> {
                o.requireOnly(trainer + " with adam", union(ADAM_OPTIONS, trainerOptions));
                double beta1 = inUnitInterval("beta1", o.getDouble("beta1", 0.9));
                double beta2 = inUnitInterval("beta2", o.getDouble("beta2", 0.999));
                double eps = nonNegative("eps", o.getDouble("eps", 1e-8));
                double decay = nonNegative("weight_decay", o.getDouble("weight_decay", 0));
                return new Adam(parameters, spec.learningRate(), beta1, beta2, eps, decay, threads);
            }
            case "sgd" -> {
                o.requireOnly(trainer + " with sgd", union(SGD_OPTIONS, trainerOptions));
                double momentum = nonNegative("momentum", o.getDouble("momentum", 0));
                double dampening = inUnitInterval("dampening", o.getDouble("dampening", 0));
                boolean nesterov = o.getBoolean("nesterov", false);
                double decay = nonNegative("weight_decay", o.getDouble("weight_decay", 0));
                if (nesterov && (momentum <= 0 || dampening != 0)) {
                    throw new InvalidConfigurationException("nesterov", true, "needs momentum > 0 and dampening 0");
                }
                return new Sgd(parameters, spec.learningRate(), momentum, dampening, nesterov, decay, threads);
            }
            default ->
                throw new InvalidConfigurationException(
                        "optimizer", spec.optimizer(), trainer + " knows " + String.join(" and ", NAMES));
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
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
