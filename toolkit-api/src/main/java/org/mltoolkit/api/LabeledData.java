package org.mltoolkit.api;

import java.util.Objects;

/**
 * An in-memory set of labelled examples: dense features (row-major, {@link ExampleShape} per example, already
 * scaled, for images to [0, 1]) and integer labels in {@code [0, numClasses)}.
 *
 * <p>Features are stored in one of two ways. Data whose source values are 8-bit (the pixels of an image file) keeps
 * one byte per value plus the divisor that scales it ({@link #ofUnsignedBytes}): a quarter of the memory of floats,
 * which matters for a dataset loaded whole (MNIST's training set is 47 MB of bytes, 188 MB of floats). Other data
 * keeps floats ({@link #LabeledData(float[], int[], ExampleShape, int)}). Either way the features are read through
 * {@link #copyExample}, {@link #copyExamples} and {@link #copyRange}, which write the values as floats into the
 * caller's buffer; a byte is read as {@code (b & 0xff) / divisor}, the same float the division gives, so both
 * storages of the same values give the same features bit for bit.
 *
 * <p>The arrays are shared, not copied: callers must not mutate them. Instances are immutable and thread-safe.
 */
public final class LabeledData {
    /** Float storage, or null when the features are bytes. */
    private final float[] floats;
    /** Byte storage (unsigned), or null when the features are floats. */
    private final byte[] bytes;
    /** The float each of the 256 byte values stands for, or null for float storage. */
    private final float[] levels;

    private final int[] labels;
    private final ExampleShape shape;
    private final int numClasses;

    /**
     * Data stored as floats: {@code features} holds {@code labels.length} examples of {@code shape}, row-major.
     * Throws IllegalArgumentException if the array lengths disagree with the shape or a label is out of range.
     */
    public LabeledData(float[] features, int[] labels, ExampleShape shape, int numClasses) {
        this(Objects.requireNonNull(features, "features"), null, null, features.length, labels, shape, numClasses);
    }

    private LabeledData(
            float[] floats,
            byte[] bytes,
            float[] levels,
            int featureCount,
            int[] labels,
            ExampleShape shape,
            int numClasses) {
        this.floats = floats;
        this.bytes = bytes;
        this.levels = levels;
        this.labels = Objects.requireNonNull(labels, "labels");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        this.numClasses = numClasses;
        if ((long) labels.length * shape.size() != featureCount) {
            throw new IllegalArgumentException("features and labels disagree: " + featureCount + " values for "
                    + labels.length + " examples of shape " + shape);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of example " + i + " is outside [0, " + numClasses + ")");
            }
        }
    }

    /**
     * Data stored as unsigned bytes: feature {@code j} is {@code (values[j] & 0xff) / divisor} (for 8-bit pixels
     * scaled to [0, 1], {@code divisor} is 255). {@code values} holds {@code labels.length} examples of
     * {@code shape}, row-major, and is kept, not copied. Throws IllegalArgumentException if the array lengths
     * disagree with the shape, a label is out of range, or {@code divisor} is not a positive finite number.
     */
    public static LabeledData ofUnsignedBytes(
            byte[] values, float divisor, int[] labels, ExampleShape shape, int numClasses) {
        Objects.requireNonNull(values, "values");
        if (!(divisor > 0) || Float.isInfinite(divisor)) {
            throw new IllegalArgumentException(
                    "the divisor of byte features must be positive and finite, got " + divisor);
        }
        float[] levels = new float[256];
        for (int b = 0; b < levels.length; b++) {
            levels[b] = b / divisor;
        }
        return new LabeledData(null, values, levels, values.length, labels, shape, numClasses);
    }

    public int size() {
        return labels.length;
    }

    /** True when the features are stored as bytes ({@link #ofUnsignedBytes}), false for floats. */
    public boolean storesBytes() {
        return bytes != null;
    }

    /**
     * Writes example {@code example}'s {@code shape().size()} features, as floats, to
     * {@code target[targetOffset ..]}; mutates only that range. Throws IndexOutOfBoundsException naming the value
     * when the example is outside {@code [0, size())} or the range does not fit in {@code target}.
     */
    public void copyExample(int example, float[] target, int targetOffset) {
        copyRange(example, 1, target, targetOffset);
    }

    /**
     * Writes the features of examples {@code examples[from .. from + count)}, in that order, one after the other
     * as floats, to {@code target[targetOffset ..]} (a batch gathered from a permutation); mutates only that range.
     * Throws IndexOutOfBoundsException naming the value when the range of {@code examples} or of {@code target}
     * does not fit, or an example is outside {@code [0, size())}; {@code target} may then be partly written.
     */
    public void copyExamples(int[] examples, int from, int count, float[] target, int targetOffset) {
        Objects.checkFromIndexSize(from, count, examples.length);
        int exampleSize = shape.size();
        checkTarget(count, target, targetOffset);
        for (int i = 0; i < count; i++) {
            copyRange(examples[from + i], 1, target, targetOffset + i * exampleSize);
        }
    }

    /**
     * Writes the features of the {@code count} consecutive examples from {@code first}, as floats, to
     * {@code target[targetOffset ..]}; mutates only that range. Throws IndexOutOfBoundsException naming the value
     * when the examples are not within {@code [0, size())} or the range does not fit in {@code target}.
     */
    public void copyRange(int first, int count, float[] target, int targetOffset) {
        if (first < 0 || count < 0 || first > labels.length - count) {
            throw new IndexOutOfBoundsException("examples " + first + " to " + ((long) first + count - 1)
                    + " are outside a dataset of " + labels.length);
        }
        int exampleSize = shape.size();
        checkTarget(count, target, targetOffset);
        int from = first * exampleSize;
        int length = count * exampleSize;
        if (bytes == null) {
            System.arraycopy(floats, from, target, targetOffset, length);
            return;
        }
        for (int j = 0; j < length; j++) {
            target[targetOffset + j] = levels[bytes[from + j] & 0xff];
        }
    }

    /** Throws IndexOutOfBoundsException when {@code count} examples do not fit in {@code target} at the offset. */
    private void checkTarget(int count, float[] target, int targetOffset) {
        long needed = (long) count * shape.size();
        if (targetOffset < 0 || targetOffset + needed > target.length) {
            throw new IndexOutOfBoundsException(count + " examples of " + shape.size() + " values do not fit in a"
                    + " buffer of " + target.length + " floats at offset " + targetOffset);
        }
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
