package org.mltoolkit.plugin.fc;

import java.util.Arrays;
import java.util.Set;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ModelSpec;

/** Shared construction rules of the {@code fc} and {@code linear} providers. */
final class DenseModels {
    /** The reference's hidden widths. */
    static final int[] REFERENCE_HIDDEN = {500, 400, 300, 200, 100, 50};

    private DenseModels() {}

    /**
     * Builds a classifier on the CPU. Throws InvalidConfigurationException for an unknown option and
     * ToolkitException for a CUDA device or when OpenBLAS cannot be loaded.
     */
    static DenseClassifier create(String name, ModelSpec spec, int[] hidden, Set<String> knownOptions) {
        spec.options().requireOnly("model " + name, knownOptions);
        if (spec.device().kind() == Device.Kind.CUDA) {
            throw new InvalidConfigurationException(
                    "device", spec.device(), "model " + name + " runs on the CPU only: choose cpu or auto");
        }
        NativeBlas.ensureLoaded();
        return new DenseClassifier(name, spec, widths(spec, hidden));
    }

    /**
     * The trainable parameters {@link #create} would give the classifier, from the widths alone; throws
     * InvalidConfigurationException for an unknown option, as {@link #create} does.
     */
    static long parameterCount(String name, ModelSpec spec, int[] hidden, Set<String> knownOptions) {
        spec.options().requireOnly("model " + name, knownOptions);
        return DenseNetwork.parameterCount(widths(spec, hidden));
    }

    /** The layer widths: the example's size, {@code hidden}, the number of classes. */
    private static int[] widths(ModelSpec spec, int[] hidden) {
        int[] widths = new int[hidden.length + 2];
        widths[0] = spec.inputShape().size();
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = spec.numClasses();
        return widths;
    }

    /** Parses {@code 500,400,300}; throws InvalidConfigurationException naming the option for anything else. */
    static int[] parseWidths(String option, String text) {
        try {
            int[] widths = Arrays.stream(text.split(","))
                    .map(String::trim)
                    .mapToInt(Integer::parseInt)
                    .toArray();
            for (int w : widths) {
                if (w <= 0) {
                    throw new NumberFormatException();
                }
            }
            if (widths.length == 0) {
                throw new NumberFormatException();
            }
            return widths;
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(option, text, "expected positive layer widths separated by commas");
        }
    }
}
