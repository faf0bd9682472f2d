package org.mltoolkit.plugin.fc;

import java.util.Set;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.pf4j.Extension;

/**
 * {@code fc}: the reference's fully-connected classifier, 784-500-400-300-200-100-50-10 with LeakyReLU(0.01)
 * and BatchNorm1d after every hidden layer and LogSoftmax at the end (802,160 parameters on MNIST). The model
 * option {@code hidden=500,400,...} changes the hidden widths.
 */
@Extension
public final class FcModelProvider implements ModelProvider {
    public static final String NAME = "fc";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "fully-connected 500-400-300-200-100-50 with LeakyReLU and BatchNorm (the reference's FC model)";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.FLAT;
    }

    @Override
    public String defaultTrainer() {
        return BackpropTrainerProvider.NAME;
    }

    @Override
    public Model create(ModelSpec spec) {
        return DenseModels.create(NAME, spec, hidden(spec), Set.of("hidden"));
    }

    @Override
    public long parameterCount(ModelSpec spec) {
        return DenseModels.parameterCount(NAME, spec, hidden(spec), Set.of("hidden"));
    }

    private static int[] hidden(ModelSpec spec) {
        return spec.options().keys().contains("hidden")
                ? DenseModels.parseWidths("hidden", spec.options().getString("hidden", ""))
                : DenseModels.REFERENCE_HIDDEN;
    }
}
