package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;
import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.OnnxModels;
import org.mltoolkit.plugin.cnn.graph.ShapeInference;

/**
 * Every gradient rule against central finite differences of sum(seed * output), with random inputs and seed.
 * Each case is one operator whose inputs are all graph inputs and all differentiated.
 */
class OperatorGradientTest {
    private static final double EPS = 1e-3;
    private static final double TOLERANCE = 0.03;

    /** One operator node with float inputs {@code x0, x1, ...} of the given shapes and output {@code y}. */
    private static void check(String opType, long[][] inputShapes, int gemmPixels, AttributeProto... attributes)
            throws OrtException {
        check(opType, inputShapes, gemmPixels, Map.of(), attributes);
    }

    private static void check(
            String opType,
            long[][] inputShapes,
            int gemmPixels,
            Map<String, long[]> intConstants,
            AttributeProto... attributes)
            throws OrtException {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(opType.toLowerCase(java.util.Locale.ROOT));
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(opType)
                .setName("op")
                .addOutput("y")
                .addAllAttribute(Arrays.asList(attributes));
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        Set<String> wrt = new LinkedHashSet<>();
        SplittableRandom random = new SplittableRandom(opType.hashCode());
        for (int i = 0; i < inputShapes.length; i++) {
            String name = "x" + i;
            node.addInput(name);
            graph.addInput(OnnxModels.valueInfo(name, TensorProto.DataType.FLOAT, inputShapes[i]));
            shapes.put(name, inputShapes[i]);
            int size = (int) ShapeInference.product(inputShapes[i], 0, inputShapes[i].length);
            float[] v = GradientChecker.random(random, size, 1.0);
            if (opType.equals("Div") && i == 1) {
                // a divisor away from zero, where finite differences are accurate
                for (int k = 0; k < v.length; k++) {
                    v[k] = Math.copySign(0.5f + Math.abs(v[k]), v[k]);
                }
            }
            values.put(name, v);
            if (!(opType.equals("BatchNormalization") && i >= 3)) {
                wrt.add(name);
            }
        }
        for (Map.Entry<String, long[]> c : intConstants.entrySet()) {
            node.addInput(c.getKey());
            graph.addInitializer(GraphBuilder.int64Tensor(c.getKey(), c.getValue(), new long[] {c.getValue().length}));
        }
        graph.addNode(node);
        Map<String, long[]> inferred = ShapeInference.infer(graph.build(), shapes);
        long[] outShape = inferred.get("y");
        graph.addOutput(OnnxModels.valueInfo("y", TensorProto.DataType.FLOAT, outShape));
        ModelProto model = OnnxModels.model(graph.build());
        TrainingGraph training = ReverseModeDifferentiator.differentiate(
                model, new DifferentiationRequest(shapes, "y", null, wrt, Set.of(), gemmPixels));
        try (GradientChecker checker = new GradientChecker(training, values, new HashMap<>(shapes), null)) {
            int outSize = (int) ShapeInference.product(outShape, 0, outShape.length);
            checker.seed(GradientChecker.random(random, outSize, 1.0), outShape);
            for (String name : wrt) {
                checker.check(name, EPS, TOLERANCE, 40, name.hashCode());
            }
        }
    }

    @Test
    void convStride1Padded() throws OrtException {
        for (int gemm : new int[] {0, 4096}) {
            check("Conv", new long[][] {{2, 3, 5, 5}, {4, 3, 3, 3}, {4}}, gemm, attrs("pads", 1, 1, 1, 1));
        }
    }

    @Test
    void convStride2Padded() throws OrtException {
        for (int gemm : new int[] {0, 4096}) {
            check(
                    "Conv",
                    new long[][] {{2, 3, 6, 6}, {4, 3, 3, 3}, {4}},
                    gemm,
                    attrs("pads", 1, 1, 1, 1),
                    attrs("strides", 2, 2));
            check(
                    "Conv",
                    new long[][] {{2, 2, 7, 7}, {3, 2, 3, 3}},
                    gemm,
                    attrs("pads", 1, 1, 1, 1),
                    attrs("strides", 2, 2));
        }
    }

    @Test
    void convWithManyChannelsUsesOneGemmPerTap() throws OrtException {
        for (int gemm : new int[] {0, 4096}) {
            check("Conv", new long[][] {{2, 16, 4, 4}, {16, 16, 3, 3}, {16}}, gemm, attrs("pads", 1, 1, 1, 1));
            check(
                    "Conv",
                    new long[][] {{2, 16, 5, 5}, {20, 16, 3, 3}, {20}},
                    gemm,
                    attrs("pads", 1, 1, 1, 1),
                    attrs("strides", 2, 2));
        }
    }

    @Test
    void convUnpaddedAsymmetric() throws OrtException {
        for (int gemm : new int[] {0, 4096}) {
            check("Conv", new long[][] {{2, 2, 6, 5}, {3, 2, 2, 3}, {3}}, gemm, attrs("strides", 2, 1));
        }
    }

    @Test
    void gemmAllTranspositions() throws OrtException {
        check("Gemm", new long[][] {{3, 4}, {4, 5}, {5}}, 0);
        check("Gemm", new long[][] {{3, 4}, {5, 4}, {1, 5}}, 0, attr("transB", 1L));
        check(
                "Gemm",
                new long[][] {{4, 3}, {4, 5}, {3, 1}},
                0,
                attr("transA", 1L),
                attr("alpha", 0.5f),
                attr("beta", 2f));
        check("Gemm", new long[][] {{4, 3}, {5, 4}}, 0, attr("transA", 1L), attr("transB", 1L));
    }

    @Test
    void matMulPlainAndBroadcast() throws OrtException {
        check("MatMul", new long[][] {{3, 4}, {4, 2}}, 0);
        check("MatMul", new long[][] {{2, 3, 4}, {4, 2}}, 0);
    }

    @Test
    void addSubMulWithBroadcast() throws OrtException {
        check("Add", new long[][] {{2, 3, 4}, {3, 1}}, 0);
        check("Sub", new long[][] {{2, 3}, {3}}, 0);
        check("Mul", new long[][] {{2, 3, 4}, {1, 3, 4}}, 0);
    }

    @Test
    void divWithBroadcast() throws OrtException {
        check("Div", new long[][] {{2, 3, 4}, {3, 1}}, 0);
        check("Div", new long[][] {{2, 3}, {2, 3}}, 0);
    }

    @Test
    void sigmoidTanhSoftmax() throws OrtException {
        check("Sigmoid", new long[][] {{3, 7}}, 0);
        check("Tanh", new long[][] {{3, 7}}, 0);
        check("Softmax", new long[][] {{3, 5}}, 0, attr("axis", 1L));
        check("Softmax", new long[][] {{2, 3, 4}}, 0);
    }

    @Test
    void globalAveragePool() throws OrtException {
        check("GlobalAveragePool", new long[][] {{2, 3, 4, 5}}, 0);
    }

    @Test
    void concatAlongChannelsAndLastAxis() throws OrtException {
        check("Concat", new long[][] {{2, 3, 2}, {2, 1, 2}, {2, 2, 2}}, 0, attr("axis", 1L));
        check("Concat", new long[][] {{2, 3}, {2, 4}}, 0, attr("axis", -1L));
    }

    @Test
    void padConstantPositiveAndNegative() throws OrtException {
        check("Pad", new long[][] {{2, 2, 4, 4}}, 0, Map.of("pads", new long[] {0, 0, 1, 2, 0, 0, 2, 1}));
        check("Pad", new long[][] {{2, 2, 5, 5}}, 0, Map.of("pads", new long[] {0, 0, -1, 1, 0, 0, 2, -2}));
    }

    @Test
    void identitySqueezeUnsqueeze() throws OrtException {
        check("Identity", new long[][] {{3, 4}}, 0);
        check("Squeeze", new long[][] {{3, 1, 4}}, 0, Map.of("axes", new long[] {1}));
        check("Unsqueeze", new long[][] {{3, 4}}, 0, Map.of("axes", new long[] {0, 2}));
    }

    @Test
    void reluAndLeakyRelu() throws OrtException {
        check("Relu", new long[][] {{3, 7}}, 0);
        check("LeakyRelu", new long[][] {{3, 7}}, 0, attr("alpha", 0.1f));
    }

    @Test
    void batchNormalizationTrainingMode() throws OrtException {
        // x, scale, bias; running mean and variance are constants of no consequence in training mode
        check("BatchNormalization", new long[][] {{4, 3, 2, 2}, {3}, {3}, {3}, {3}}, 0, attr("epsilon", 1e-5f));
        check("BatchNormalization", new long[][] {{5, 4}, {4}, {4}, {4}, {4}}, 0);
    }

    @Test
    void flattenReshapeTranspose() throws OrtException {
        check("Flatten", new long[][] {{2, 3, 2, 2}}, 0, attr("axis", 1L));
        check("Reshape", new long[][] {{2, 3, 4}}, 0, Map.of("shape", new long[] {4, -1}));
        check("Transpose", new long[][] {{2, 3, 4}}, 0, attrs("perm", 2, 0, 1));
    }

    @Test
    void logSoftmax() throws OrtException {
        check("LogSoftmax", new long[][] {{3, 5}}, 0, attr("axis", 1L));
    }

    @Test
    void maxPool() throws OrtException {
        check("MaxPool", new long[][] {{2, 2, 5, 5}}, 0, attrs("kernel_shape", 2, 2), attrs("strides", 2, 2));
        check(
                "MaxPool",
                new long[][] {{2, 2, 5, 5}},
                0,
                attrs("kernel_shape", 3, 3),
                attrs("strides", 2, 2),
                attrs("pads", 1, 1, 1, 1));
    }

    @Test
    void averagePool() throws OrtException {
        check("AveragePool", new long[][] {{2, 2, 6, 6}}, 0, attrs("kernel_shape", 2, 2), attrs("strides", 2, 2));
        check(
                "AveragePool",
                new long[][] {{2, 2, 5, 5}},
                0,
                attrs("kernel_shape", 3, 3),
                attrs("strides", 2, 2),
                attrs("pads", 1, 1, 1, 1));
        check(
                "AveragePool",
                new long[][] {{2, 2, 5, 5}},
                0,
                attrs("kernel_shape", 3, 3),
                attrs("strides", 2, 2),
                attrs("pads", 1, 1, 1, 1),
                attr("count_include_pad", 1L));
    }
}
