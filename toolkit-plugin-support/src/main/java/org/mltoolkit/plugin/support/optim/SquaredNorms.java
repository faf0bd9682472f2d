package org.mltoolkit.plugin.support.optim;

/**
 * What an optimizer step sums on the way: the squares of every parameter before the update and of every gradient.
 * Each block of up to 2,048 elements is summed in float, in index order, and the block sums in double, so the
 * result depends on the number of threads only through where the blocks start.
 *
 * @param parameters the sum of squares of the parameters before the step
 * @param gradients  the sum of squares of the gradients the step used
 */
public record SquaredNorms(double parameters, double gradients) {
    /** The global L2 norm of the parameters before the step. */
    public double parameterNorm() {
        return Math.sqrt(parameters);
    }

    /** The global L2 norm of the gradients. */
    public double gradientNorm() {
        return Math.sqrt(gradients);
    }
}
