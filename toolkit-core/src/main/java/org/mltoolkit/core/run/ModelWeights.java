package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.Map;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;

/** Loads a checkpoint's weights into a model, for resuming, evaluating and exporting alike. */
final class ModelWeights {
    private ModelWeights() {}

    /**
     * Replaces {@code model}'s weights with {@code weights}, read from {@code file}. Throws ToolkitException naming
     * the file and the model when the model rejects them (a different architecture or shape).
     */
    static void load(Model model, Map<String, Tensor> weights, Path file) {
        try {
            model.loadStateDict(weights);
        } catch (ToolkitException | IllegalArgumentException e) {
            throw new ToolkitException(
                    file + ": the model '" + model.name() + "' rejects this checkpoint's weights: " + e.getMessage(),
                    e);
        }
    }
}
