package org.mltoolkit.api;

/**
 * The shape of one example: {@code channels x height x width}. Features are stored row-major in that
 * order, so a flat vector and an image share one memory layout.
 */
public record ExampleShape(int channels, int height, int width) {
    public ExampleShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "example shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    /** Number of floats in one example. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
