package org.mltoolkit.api;

import java.util.Objects;

/**
 * An in-memory set of labelled examples: dense float features (row-major, {@link ExampleShape} per example,
 * already scaled, for images to [0, 1]) and integer labels in {@code [0, numClasses)}.
 *
 * <p>The arrays are shared, not copied: callers must not mutate them.
 */
public final class LabeledData {
    private final float[] features;
    private final int[] labels;
    private final ExampleShape shape;
    private final int numClasses;

    /**
     * Throws IllegalArgumentException if the array lengths disagree with the shape or a label is out of range.
     */
    public LabeledData(float[] features, int[] labels, ExampleShape shape, int numClasses) {
        this.features = Objects.requireNonNull(features, "features");
        this.labels = Objects.requireNonNull(labels, "labels");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        this.numClasses = numClasses;
        if ((long) labels.length * shape.size() != features.length) {
            throw new IllegalArgumentException("features and labels disagree: " + features.length + " floats for "
                    + labels.length + " examples of shape " + shape);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of example " + i + " is outside [0, " + numClasses + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public float[] features() {
        return features;
    }

    public int[] labels() {
        return labels;
    }

    public ExampleShape shape() {
        return shape;
    }

    public int numClasses() {
        return numClasses;
    }
}
