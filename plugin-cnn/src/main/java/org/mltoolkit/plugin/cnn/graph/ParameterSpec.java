package org.mltoolkit.plugin.cnn.graph;

/**
 * One named state tensor of a network: a trainable parameter or a buffer (running statistic).
 *
 * @param name      the initializer's name in the forward graph
 * @param shape     its shape
 * @param trainable true for parameters, false for buffers
 */
public record ParameterSpec(String name, long[] shape, boolean trainable) {
    /** Number of elements. */
    public int size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }
}
