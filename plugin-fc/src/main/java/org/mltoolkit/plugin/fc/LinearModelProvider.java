package org.mltoolkit.plugin.fc;

import java.util.Set;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.pf4j.Extension;

/**
 * {@code linear}: multinomial logistic regression, one Linear layer and LogSoftmax (7,850 parameters on
 * MNIST), the model family of Tribuo's {@code LinearSGDTrainer}. Its default trainer computes gradients with
 * Tribuo's {@code LinearParameters} and {@code LogMulticlass} objective.
 */
@Extension
public final class LinearModelProvider implements ModelProvider {
    public static final String NAME = "linear";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "multinomial logistic regression (Tribuo's linear SGD model family)";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.FLAT;
    }

    @Override
    public String defaultTrainer() {
        return TribuoLinearTrainerProvider.NAME;
    }

    @Override
    public Model create(ModelSpec spec) {
        return DenseModels.create(NAME, spec, new int[0], Set.of());
    }

    @Override
    public long parameterCount(ModelSpec spec) {
        return DenseModels.parameterCount(NAME, spec, new int[0], Set.of());
    }
}
