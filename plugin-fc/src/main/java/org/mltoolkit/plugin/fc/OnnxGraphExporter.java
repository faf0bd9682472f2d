package org.mltoolkit.plugin.fc;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a dense classifier's inference graph with Tribuo's ONNX builder: {@code input [N, features]} →
 * (Gemm → LeakyRelu)* → Gemm → LogSoftmax → {@code log_probs [N, classes]}, opset 13.
 *
 * <p>BatchNorm in evaluation mode is an affine map per feature, {@code y = s a + t} with
 * {@code s = gamma / sqrt(running_var + eps)} and {@code t = beta - running_mean s}. It comes after the
 * LeakyReLU, so it cannot move into the Linear before it; it is folded exactly into the Linear after it:
 * {@code W (s a + t) + b = (W diag(s)) a + (W t + b)}.
 */
final class OnnxGraphExporter {
    private OnnxGraphExporter() {}

    /** Builds the graph; does not mutate the model. */
    static OnnxMl.ModelProto build(DenseClassifier model) {
        DenseNetwork network = model.network();
        int[] widths = network.widths();
        ONNXContext context = new ONNXContext();
        context.setName(model.name());
        ONNXPlaceholder input = context.floatInput("input", widths[0]);
        ONNXPlaceholder output = context.floatOutput("log_probs", network.classCount());
        ONNXRef<?> current = input;
        float[] previousScale = null;
        float[] previousShift = null;
        for (int l = 0; l < network.layerCount(); l++) {
            int in = widths[l];
            int out = widths[l + 1];
            float[] w = network.weight(l).toArray();
            float[] b = network.bias(l).toArray();
            if (previousScale != null) {
                for (int o = 0; o < out; o++) {
                    double shifted = b[o];
                    for (int i = 0; i < in; i++) {
                        shifted += (double) w[o * in + i] * previousShift[i];
                        w[o * in + i] *= previousScale[i];
                    }
                    b[o] = (float) shifted;
                }
            }
            float[] weights = w;
            ONNXInitializer weight =
                    context.floatTensor("layer" + l + "_weight", List.of(out, in), fb -> fb.put(weights));
            ONNXInitializer bias = context.array("layer" + l + "_bias", b);
            ONNXRef<?> linear = context.operation(
                    ONNXOperators.GEMM, List.of(current, weight, bias), "layer" + l + "_linear", Map.of("transB", 1));
            if (network.isHidden(l)) {
                current = context.operation(
                        NeuralOnnxOperators.LEAKY_RELU,
                        List.of(linear),
                        "layer" + l + "_leaky_relu",
                        Map.of("alpha", DenseNetwork.LEAKY_SLOPE));
                previousScale = new float[out];
                previousShift = new float[out];
                FloatBuffer g = network.gamma(l).buffer();
                FloatBuffer be = network.beta(l).buffer();
                FloatBuffer rm = network.runningMean(l).buffer();
                FloatBuffer rv = network.runningVar(l).buffer();
                for (int c = 0; c < out; c++) {
                    double s = g.get(c) / Math.sqrt(rv.get(c) + DenseNetwork.BN_EPSILON);
                    previousScale[c] = (float) s;
                    previousShift[c] = (float) (be.get(c) - rm.get(c) * s);
                }
            } else {
                linear.apply(NeuralOnnxOperators.LOG_SOFTMAX, Map.of("axis", 1)).assignTo(output);
            }
        }
        return OnnxMl.ModelProto.newBuilder()
                .setGraph(context.buildGraph())
                .setIrVersion(7)
                .setProducerName("mltoolkit plugin-fc")
                .setModelVersion(1)
                .setDocString(model.toString())
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder()
                        .setDomain("")
                        .setVersion(NeuralOnnxOperators.OPSET_VERSION))
                .build();
    }

    /**
     * Writes the model to {@code file} through a temporary file in the same directory and a rename, so that
     * {@code file} is either the old content or the complete new one. Throws ToolkitException naming the file
     * when it cannot be written.
     */
    static void export(DenseClassifier model, Path file) {
        OnnxMl.ModelProto proto = build(model);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
            try (OutputStream os = Files.newOutputStream(temp)) {
                proto.writeTo(os);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new ToolkitException(file + ": cannot write the ONNX model: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is the one the user needs to see
                }
            }
        }
    }
}
