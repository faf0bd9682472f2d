package org.mltoolkit.plugin.support.nn;

import java.util.Objects;

/**
 * BatchNorm in evaluation mode is an affine map per feature, {@code y = s x + t} with
 * {@code s = gamma / sqrt(running_var + eps)} and {@code t = beta - running_mean s}. When a linear layer
 * {@code z = W y + b} reads its output, the map folds exactly into that layer: {@code z = (W diag(s)) x + (W t + b)}.
 * This holds wherever the BatchNorm stands (after an activation too, where it cannot move into the layer before
 * it), so an exported graph or a plain-Java model needs no BatchNorm at all. The scale and shift are computed in
 * double and rounded to float once; the folded bias sums in double.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    /**
     * A per-feature affine map {@code y[c] = scale[c] x[c] + shift[c]}. The arrays are not copied; callers must not
     * mutate them.
     */
    public record Affine(float[] scale, float[] shift) {
        /** Throws IllegalArgumentException when the arrays differ in length. */
        public Affine {
            Objects.requireNonNull(scale, "scale");
            Objects.requireNonNull(shift, "shift");
            if (scale.length != shift.length) {
                throw new IllegalArgumentException(
                        scale.length + " scales but " + shift.length + " shifts in one affine map");
            }
        }

        /** The number of features. */
        public int features() {
            return scale.length;
        }
    }

    /**
     * The affine map of an evaluation-mode BatchNorm over {@code gamma.length} features. Reads the arrays, mutates
     * nothing. Throws IllegalArgumentException when the four arrays differ in length.
     */
    public static Affine affine(float[] gamma, float[] beta, float[] runningMean, float[] runningVar, double epsilon) {
        int n = gamma.length;
        if (beta.length != n || runningMean.length != n || runningVar.length != n) {
            throw new IllegalArgumentException("BatchNorm arrays of different lengths: gamma " + n + ", beta "
                    + beta.length + ", running mean " + runningMean.length + ", running variance "
                    + runningVar.length);
        }
        float[] scale = new float[n];
        float[] shift = new float[n];
        for (int c = 0; c < n; c++) {
            double s = gamma[c] / Math.sqrt(runningVar[c] + epsilon);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - runningMean[c] * s);
        }
        return new Affine(scale, shift);
    }

    /**
     * Folds {@code input}, an affine map applied to the input of a linear layer, into that layer: mutates
     * {@code weight} (row-major {@code [out, in]}, {@code out = bias.length}) to {@code W diag(scale)} and
     * {@code bias} to {@code b + W shift}. Throws IllegalArgumentException when the shapes do not fit.
     */
    public static void intoNextLinear(float[] weight, float[] bias, Affine input) {
        int out = bias.length;
        int in = input.features();
        if ((long) out * in != weight.length) {
            throw new IllegalArgumentException("a weight of " + weight.length + " elements is not [" + out + ", " + in
                    + "] (the bias has " + out + " elements, the affine map " + in + " features)");
        }
        float[] scale = input.scale();
        float[] shift = input.shift();
        for (int o = 0; o < out; o++) {
            double shifted = bias[o];
            for (int i = 0; i < in; i++) {
                shifted += (double) weight[o * in + i] * shift[i];
                weight[o * in + i] *= scale[i];
            }
            bias[o] = (float) shifted;
        }
    }
}
