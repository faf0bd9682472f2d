package org.mltoolkit.plugin.cnn;

import org.mltoolkit.api.Model;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.api.TrainerSpec;
import org.pf4j.Extension;

/**
 * The {@code ort} trainer: runs a training graph derived from the model's forward ONNX graph in ONNX Runtime and
 * applies Adam or SGD with momentum.
 */
@Extension
public final class OrtTrainerProvider implements TrainerProvider {
    public static final String NAME = "ort";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ONNX Runtime training: gradients derived from the model's ONNX graph; Adam or SGD with momentum";
    }

    @Override
    public boolean supports(String modelName) {
        return CnnModelProvider.NAME.equals(modelName) || OnnxModelProvider.NAME.equals(modelName);
    }

    @Override
    public Trainer create(Model model, TrainerSpec spec) {
        if (!(model instanceof CnnModel cnn)) {
            throw new ToolkitException("trainer '" + NAME + "' cannot train model '" + model.name()
                    + "': it trains the models cnn and onnx only");
        }
        return new OrtTrainer(cnn, spec);
    }
}
