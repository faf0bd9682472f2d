package org.mltoolkit.plugin.cnn;

import java.util.Map;
import java.util.SplittableRandom;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;

/**
 * Synthetic 1x8x8 images of three classes for testing the machinery rather than accuracy: class k has a bright
 * horizontal bar in rows 2k..2k+1, plus noise.
 */
final class TinyData {
    static final ExampleShape SHAPE = new ExampleShape(1, 8, 8);
    static final int CLASSES = 3;

    private TinyData() {}

    static Batch batch(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] features = new float[size * SHAPE.size()];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            int label = random.nextInt(CLASSES);
            labels[i] = label;
            for (int p = 0; p < SHAPE.size(); p++) {
                int row = p / 8;
                float bar = row / 2 == label + 1 ? 1f : 0f;
                features[i * SHAPE.size() + p] = bar + (float) (random.nextDouble() * 0.3);
            }
        }
        return new Batch(features, labels, size, SHAPE, InputLayout.IMAGE);
    }

    /** A small cnn: two blocks of 4 and 6 channels, hidden width 8, on the CPU with one thread. */
    static ModelSpec spec(long seed, Device device) {
        return new ModelSpec(
                SHAPE, CLASSES, seed, device, 1, new PluginOptions(Map.of("channels", "4,6", "hidden", "8")));
    }
}
