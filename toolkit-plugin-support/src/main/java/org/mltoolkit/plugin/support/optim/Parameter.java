package org.mltoolkit.plugin.support.optim;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One trainable tensor of a model as an optimizer sees it. The optimizer reads and writes {@code values} and reads
 * {@code gradients} by absolute index from 0 to the tensor's size; it never moves their positions or limits. Both
 * buffers must stay valid, and keep their memory, for as long as the optimizer is used.
 *
 * @param name      the name the model gives the tensor in its state dictionary, for example {@code fc1.weight}; it
 *                  names the tensor's entries in the optimizer state
 * @param shape     the tensor's shape; its product is the size
 * @param values    the tensor's values, updated in place by every step
 * @param gradients the gradient of the loss with respect to the values, as the trainer left it before the step
 */
public record Parameter(String name, long[] shape, FloatBuffer values, FloatBuffer gradients) {
    /**
     * Throws IllegalArgumentException when the name is blank, a dimension is negative, or a buffer's capacity is not
     * the shape's size.
     */
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(gradients, "gradients");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        shape = shape.clone();
        long size = sizeOf(name, shape);
        if (values.capacity() != size || gradients.capacity() != size) {
            throw new IllegalArgumentException("parameter '" + name + "' of shape " + Arrays.toString(shape) + " has "
                    + size + " elements, but its values hold " + values.capacity() + " and its gradients "
                    + gradients.capacity());
        }
    }

    private static long sizeOf(String name, long[] shape) {
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "parameter '" + name + "' has a negative dimension in " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "' has " + size + " elements, more than a" + " buffer can index");
        }
        return size;
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public int size() {
        return values.capacity();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameter p
                && p.name.equals(name)
                && Arrays.equals(p.shape, shape)
                && p.values == values
                && p.gradients == gradients;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Parameter[" + name + " " + Arrays.toString(shape) + "]";
    }
}
