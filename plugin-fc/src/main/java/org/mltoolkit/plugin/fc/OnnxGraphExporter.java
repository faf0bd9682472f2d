package org.mltoolkit.plugin.fc;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.mltoolkit.plugin.support.nn.BatchNormFolding;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a dense classifier's inference graph with Tribuo's ONNX builder: {@code input [N, features]} →
 * (Gemm → LeakyRelu)* → Gemm → LogSoftmax → {@code log_probs [N, classes]}, opset 13 (or Softmax →
 * {@code probabilities} for the graph inside a Tribuo model file).
 *
 * <p>Each BatchNorm comes after a LeakyReLU, so it cannot move into the Linear before it; in evaluation mode it is
 * folded exactly into the Linear after it ({@link BatchNormFolding}).
 */
final class OnnxGraphExporter {
    private OnnxGraphExporter() {}

    /** What the graph's last node computes. */
    enum Output {
        /** {@code log_probs}: LogSoftmax, what the toolkit's models compute and its ONNX exports give. */
        LOG_PROBABILITIES("log_probs", NeuralOnnxOperators.LOG_SOFTMAX),
        /** {@code probabilities}: Softmax, for consumers that expect probabilities, such as Tribuo's scores. */
        PROBABILITIES("probabilities", ONNXOperators.SOFTMAX);

        private final String name;
        private final ONNXOperator operator;

        Output(String name, ONNXOperator operator) {
            this.name = name;
            this.operator = operator;
        }
    }

    /** Builds the graph ending in {@code output}; does not mutate the model. */
    static OnnxMl.ModelProto build(DenseClassifier model, Output output) {
        DenseNetwork network = model.network();
        int[] widths = network.widths();
        ONNXContext context = new ONNXContext();
        context.setName(model.name());
        ONNXPlaceholder input = context.floatInput("input", widths[0]);
        ONNXPlaceholder result = context.floatOutput(output.name, network.classCount());
        ONNXRef<?> current = input;
        BatchNormFolding.Affine previousBatchNorm = null;
        for (int l = 0; l < network.layerCount(); l++) {
            int in = widths[l];
            int out = widths[l + 1];
            float[] w = network.weight(l).toArray();
            float[] b = network.bias(l).toArray();
            if (previousBatchNorm != null) {
                BatchNormFolding.intoNextLinear(w, b, previousBatchNorm);
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
                previousBatchNorm = network.evaluationBatchNorm(l);
            } else {
                linear.apply(output.operator, Map.of("axis", 1)).assignTo(result);
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
}
