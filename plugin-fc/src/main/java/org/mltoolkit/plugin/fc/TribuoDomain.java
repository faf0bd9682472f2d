package org.mltoolkit.plugin.fc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.CategoricalInfo;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableFeatureMap;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * How the toolkit's examples and classes look to Tribuo. Feature {@code i} is the {@code i}-th float of an example
 * (for images: channel, row, column, row-major; pixels in [0, 1]) and is named as Tribuo's {@code IDXDataSource}
 * names it: {@code i} zero-padded to the number of digits of the feature count ({@code 000} ... {@code 783} for
 * 28x28 images), so Tribuo's sorted feature ids equal the indices. Class {@code c} is a {@link Label} named after
 * the dataset's class {@code c}, with id {@code c}.
 */
final class TribuoDomain {
    static final LabelFactory LABELS = new LabelFactory();

    private TribuoDomain() {}

    /** The name of feature {@code index} of {@code featureCount}. */
    static String featureName(int index, int featureCount) {
        int digits = Integer.toString(featureCount).length();
        return String.format(Locale.ROOT, "%0" + digits + "d", index);
    }

    /** Feature name to index, for every feature; the external feature mapping of Tribuo's ONNX models. */
    static Map<String, Integer> featureIndices(int featureCount) {
        Map<String, Integer> indices = new LinkedHashMap<>();
        for (int i = 0; i < featureCount; i++) {
            indices.put(featureName(i, featureCount), i);
        }
        return indices;
    }

    /** A feature domain of {@code featureCount} features, none observed (the model was trained outside Tribuo). */
    static ImmutableFeatureMap featureMap(int featureCount) {
        MutableFeatureMap features = new MutableFeatureMap();
        for (int i = 0; i < featureCount; i++) {
            features.put(new CategoricalInfo(featureName(i, featureCount)));
        }
        return new ImmutableFeatureMap(features);
    }

    /** Label to output index: class {@code c} is output {@code c}. */
    static Map<Label, Integer> labelIndices(List<String> classNames) {
        Map<Label, Integer> indices = new LinkedHashMap<>();
        for (int c = 0; c < classNames.size(); c++) {
            if (indices.put(new Label(classNames.get(c)), c) != null) {
                throw new IllegalArgumentException("class name '" + classNames.get(c) + "' appears twice");
            }
        }
        return indices;
    }

    /** The output domain of a model over {@code classNames}, with class {@code c} as id {@code c}. */
    static ImmutableOutputInfo<Label> outputInfo(List<String> classNames) {
        return LABELS.constructInfoForExternalModel(labelIndices(classNames));
    }
}
