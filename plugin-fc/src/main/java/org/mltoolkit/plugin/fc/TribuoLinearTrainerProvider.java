package org.mltoolkit.plugin.fc;

import org.mltoolkit.api.Model;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
import org.pf4j.Extension;

/**
 * {@code tribuo-linear}: the {@code linear} model trained with Tribuo's linear parameters and log-loss
 * objective (per-example gradients in double precision, as Tribuo's {@code LinearSGDTrainer} computes them),
 * updated by Adam (default) or SGD.
 */
@Extension
public final class TribuoLinearTrainerProvider implements TrainerProvider {
    public static final String NAME = "tribuo-linear";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Tribuo's LinearParameters and LogMulticlass objective for the linear model, Adam or SGD";
    }

    @Override
    public boolean supports(String modelName) {
        return LinearModelProvider.NAME.equals(modelName);
    }

    @Override
    public Trainer create(Model model, TrainerSpec spec) {
        DenseClassifier dense = BackpropTrainerProvider.asDense(NAME, model);
        if (!supports(dense.name())) {
            throw new ToolkitException(
                    "trainer " + NAME + " cannot train model '" + dense.name() + "' (it trains linear)");
        }
        return new TribuoLinearTrainer(dense, BackpropTrainerProvider.optimizer(NAME, spec, dense));
    }
}
