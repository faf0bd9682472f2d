package org.mltoolkit.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named block of float state (weights, running statistics, optimizer moments) with its shape, as the core
 * stores it in checkpoints. A scalar has the empty shape and one element.
 */
public record Tensor(long[] shape, float[] data) {
    public Tensor {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " elements, got " + data.length);
        }
    }

    /** A copy of {@code data} with the given shape. */
    public static Tensor copyOf(float[] data, long... shape) {
        return new Tensor(shape.clone(), data.clone());
    }

    /** A scalar. */
    public static Tensor scalar(double value) {
        return new Tensor(new long[0], new float[] {(float) value});
    }

    public int size() {
        return data.length;
    }

    /** True when the shapes are equal. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
