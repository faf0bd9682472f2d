package org.mltoolkit.plugin.cnn.autodiff;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to differentiate.
 *
 * @param inputShapes shapes of the forward graph's data inputs (-1 for the batch dimension)
 * @param output      the forward output the loss is taken of (log-probabilities for the NLL loss)
 * @param labels      name of the int64 label input of the NLL loss; null to seed the gradient of {@code output}
 *                    from an extra input {@code output + "_grad"} instead (a vector-Jacobian product)
 * @param parameters  initializers or inputs to differentiate with respect to; initializers among them become inputs
 * @param buffers     initializers that become inputs but get no gradient (BatchNorm running statistics)
 * @param gemmConvMaxPixels convolutions whose output has at most this many pixels per image are computed as one
 *                    batch-wide matrix product (im2col) in training, forward and backward; larger ones use Conv
 */
public record DifferentiationRequest(
        Map<String, long[]> inputShapes,
        String output,
        String labels,
        Set<String> parameters,
        Set<String> buffers,
        int gemmConvMaxPixels) {
    public DifferentiationRequest {
        Objects.requireNonNull(inputShapes, "inputShapes");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(buffers, "buffers");
    }

    /** A request with the default choice of convolution formulation. */
    public DifferentiationRequest(
            Map<String, long[]> inputShapes,
            String output,
            String labels,
            Set<String> parameters,
            Set<String> buffers) {
        this(inputShapes, output, labels, parameters, buffers, DEFAULT_GEMM_CONV_MAX_PIXELS);
    }

    /** Measured on the reference network: batch-wide products beat Conv nodes at every layer (28x28 down to 1x1). */
    public static final int DEFAULT_GEMM_CONV_MAX_PIXELS = 4096;
}
