package org.mltoolkit.plugin.fc;

import java.util.Set;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.support.optim.Optimizer;
import org.mltoolkit.plugin.support.optim.Optimizers;
import org.pf4j.Extension;

/**
 * {@code backprop}: minibatch backpropagation in float32 with OpenBLAS matrix products, Adam (default) or SGD.
 * Optimizer options: adam {@code beta1, beta2, eps, weight_decay}; sgd {@code momentum, dampening, nesterov,
 * weight_decay}.
 */
@Extension
public final class BackpropTrainerProvider implements TrainerProvider {
    public static final String NAME = "backprop";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "minibatch backpropagation in float32 (OpenBLAS), Adam or SGD, for fc and linear";
    }

    @Override
    public boolean supports(String modelName) {
        return FcModelProvider.NAME.equals(modelName) || LinearModelProvider.NAME.equals(modelName);
    }

    @Override
    public Trainer create(Model model, TrainerSpec spec) {
        DenseClassifier dense = asDense(NAME, model);
        return new BackpropTrainer(dense, optimizer(NAME, spec, dense));
    }

    /**
     * The optimizer {@code spec} names over the model's parameters, with the model's threads. Throws
     * InvalidConfigurationException for an unknown optimizer, an option it does not take or a value out of range.
     */
    static Optimizer optimizer(String trainer, TrainerSpec spec, DenseClassifier model) {
        return Optimizers.create(
                spec, model.optimizerParameters(), model.spec().threads(), "trainer " + trainer, Set.of());
    }

    static DenseClassifier asDense(String trainer, Model model) {
        if (model instanceof DenseClassifier dense) {
            return dense;
        }
        throw new ToolkitException(
                "trainer " + trainer + " cannot train model '" + model.name() + "' (it trains fc and linear)");
    }
}
