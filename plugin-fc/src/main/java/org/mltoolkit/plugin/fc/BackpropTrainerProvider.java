package org.mltoolkit.plugin.fc;

import org.mltoolkit.api.Model;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
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
        FlatOptimizer optimizer = Optimizers.create(
                NAME, spec, (int) dense.parameterCount(), dense.spec().threads());
        return new BackpropTrainer(dense, optimizer);
    }

    static DenseClassifier asDense(String trainer, Model model) {
        if (model instanceof DenseClassifier dense) {
            return dense;
        }
        throw new ToolkitException(
                "trainer " + trainer + " cannot train model '" + model.name() + "' (it trains fc and linear)");
    }
}
