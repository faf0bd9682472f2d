package org.mltoolkit.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;

/**
 * Separable synthetic classification data, for testing the machinery rather than accuracy: each class is a
 * cluster around its own centre in [0, 1]^d, with small uniform noise.
 */
public final class SyntheticData {
    public static final ExampleShape SHAPE = new ExampleShape(1, 2, 3);

    private SyntheticData() {}

    /** A dataset called {@code name} with {@code trainSize} + {@code testSize} examples in {@code classes} classes. */
    public static DatasetSplits make(String name, int trainSize, int testSize, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = SHAPE.size();
        float[][] centres = new float[classes][d];
        for (float[] centre : centres) {
            for (int j = 0; j < d; j++) {
                centre[j] = (float) random.nextDouble();
            }
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("class-" + c);
        }
        return new DatasetSplits(name, split(trainSize, centres, random), split(testSize, centres, random), names);
    }

    private static LabeledData split(int n, float[][] centres, SplittableRandom random) {
        int d = SHAPE.size();
        float[] features = new float[n * d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(centres.length);
            labels[i] = label;
            for (int j = 0; j < d; j++) {
                features[i * d + j] = centres[label][j] + (float) ((random.nextDouble() - 0.5) * 0.2);
            }
        }
        return new LabeledData(features, labels, SHAPE, centres.length);
    }
}
