package org.mltoolkit.api;

/**
 * A minibatch handed to a model or trainer: {@code size} examples, their features row-major in
 * {@code features[0 .. size*shape.size())} and their labels in {@code labels[0 .. size)}.
 *
 * <p>The core reuses the arrays from one batch to the next (they may be longer than needed): a plugin
 * must copy whatever it keeps beyond the call.
 */
public record Batch(float[] features, int[] labels, int size, ExampleShape shape, InputLayout layout) {
    public Batch {
        if (size < 0 || labels.length < size || features.length < (long) size * shape.size()) {
            throw new IllegalArgumentException("batch of " + size + " examples of shape " + shape
                    + " does not fit arrays of " + features.length + " floats and " + labels.length + " labels");
        }
    }

    /** The tensor shape the model asked for: {@code [size, c*h*w]} or {@code [size, c, h, w]}. */
    public long[] dims() {
        return layout == InputLayout.FLAT
                ? new long[] {size, shape.size()}
                : new long[] {size, shape.channels(), shape.height(), shape.width()};
    }
}
