package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.Map;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;

/** A checkpoint's model meeting data and weights again, for resuming, evaluating and exporting alike. */
final class SavedModel {
    private SavedModel() {}

    /**
     * Checks that the model saved in {@code file} with {@code spec} takes the examples of {@code part} (a split of
     * {@code splits}) and predicts their classes. Throws ToolkitException naming the file, the model's shape and the
     * dataset's when it does not.
     */
    static void requireFits(ModelSpec spec, DatasetSplits splits, LabeledData part, Path file) {
        if (!spec.inputShape().equals(part.shape())
                || spec.numClasses() != splits.classNames().size()) {
            throw new ToolkitException(file + ": the model takes " + spec.inputShape() + " examples in "
                    + spec.numClasses() + " classes but dataset '" + splits.name() + "' has " + part.shape()
                    + " examples in " + splits.classNames().size() + " classes");
        }
    }

    /**
     * Replaces {@code model}'s weights with {@code weights}, read from {@code file}. Throws ToolkitException naming
     * the file and the model when the model rejects them (a different architecture or shape).
     */
    static void loadWeights(Model model, Map<String, Tensor> weights, Path file) {
        try {
            model.loadStateDict(weights);
        } catch (ToolkitException | IllegalArgumentException e) {
            throw new ToolkitException(
                    file + ": the model '" + model.name() + "' rejects this checkpoint's weights: " + e.getMessage(),
                    e);
        }
    }
}
