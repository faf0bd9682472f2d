package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A checkpoint's model meeting data and weights again, for resuming, evaluating and exporting alike. */
final class SavedModel {
    private static final Logger LOG = LoggerFactory.getLogger(SavedModel.class);

    private SavedModel() {}

    /**
     * Warns in one line (SLF4J, warning level) when a plugin recorded in {@code file} is loaded now in another
     * version, since its model may then compute differently from the one that was saved. Only plugins both recorded
     * and loaded are compared. Mutates nothing and throws nothing.
     */
    static void warnOnPluginVersionChanges(Map<String, String> recorded, Map<String, String> loaded, Path file) {
        List<String> changes = new ArrayList<>();
        new TreeMap<>(recorded).forEach((id, version) -> {
            String now = loaded.get(id);
            if (now != null && !now.equals(version)) {
                changes.add("plugin " + id + " " + version + " (loaded: " + now + ")");
            }
        });
        if (!changes.isEmpty()) {
            LOG.warn(
                    "{} was written with {}; results may differ from the saved run's",
                    file,
                    String.join(", ", changes));
        }
    }

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
     * Builds {@code provider}'s model for {@code spec}, the spec saved in {@code file} with {@code weights}, after
     * checking that the parameters the spec declares fit in those weights: a spec whose options ask for more
     * (widths read from a crafted header, say) is refused before anything is allocated. The caller closes the model.
     * Throws ToolkitException naming the file, the options and both counts.
     */
    static Model build(ModelProvider provider, ModelSpec spec, Map<String, Tensor> weights, Path file) {
        long declared = provider.parameterCount(spec);
        long saved = 0;
        for (Tensor t : weights.values()) {
            saved += t.data().length;
        }
        if (declared > saved) {
            throw new ToolkitException(file + ": its model options "
                    + spec.options().asMap() + " make a '"
                    + provider.name() + "' model of " + declared + " parameters but its weights hold only " + saved
                    + " values; the header and the weights disagree");
        }
        return provider.create(spec);
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
