package org.mltoolkit.plugin.cnn.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.OnnxModels;

/** Behaviour of derived training graphs beyond gradients: running statistics, Dropout, unsupported operators. */
class TrainingGraphTest {
    @Test
    void unsupportedOperatorIsNamedWithItsNode() {
        GraphProto graph = GraphProto.newBuilder()
                .setName("g")
                .addInput(OnnxModels.valueInfo("x", TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Sin")
                        .setName("wavy")
                        .addInput("x")
                        .addOutput("y"))
                .addOutput(OnnxModels.valueInfo("y", TensorProto.DataType.FLOAT, new long[] {-1, 3}))
                .build();
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> ReverseModeDifferentiator.differentiate(
                        OnnxModels.model(graph),
                        new DifferentiationRequest(Map.of("x", new long[] {-1, 3}), "y", null, Set.of("x"), Set.of())));
        assertTrue(
                e.getMessage().contains("unsupported operator Sin")
                        && e.getMessage().contains("'wavy'"),
                e.getMessage());
    }

    @Test
    void batchNormUpdatesRunningStatisticsLikePyTorch() throws OrtException {
        int n = 4;
        int c = 3;
        int hw = 2;
        SplittableRandom random = new SplittableRandom(3);
        float[] x = GradientChecker.random(random, n * c * hw * hw, 2.0);
        float[] runningMean = {0.5f, -0.2f, 0.1f};
        float[] runningVar = {1.5f, 0.7f, 1.0f};
        GraphProto graph = GraphProto.newBuilder()
                .setName("bn")
                .addInput(OnnxModels.valueInfo("x", TensorProto.DataType.FLOAT, new long[] {-1, c, hw, hw}))
                .addInitializer(GraphBuilder.floatTensor("scale", new float[] {1f, 2f, 0.5f}, new long[] {c}))
                .addInitializer(GraphBuilder.floatTensor("bias", new float[] {0f, 1f, -1f}, new long[] {c}))
                .addInitializer(GraphBuilder.floatTensor("mean", runningMean, new long[] {c}))
                .addInitializer(GraphBuilder.floatTensor("var", runningVar, new long[] {c}))
                .addNode(NodeProto.newBuilder()
                        .setOpType("BatchNormalization")
                        .setName("bn")
                        .addInput("x")
                        .addInput("scale")
                        .addInput("bias")
                        .addInput("mean")
                        .addInput("var")
                        .addOutput("y")
                        .addAttribute(attr("momentum", 0.9f)))
                .addOutput(OnnxModels.valueInfo("y", TensorProto.DataType.FLOAT, new long[] {-1, c, hw, hw}))
                .build();
        TrainingGraph training = ReverseModeDifferentiator.differentiate(
                OnnxModels.model(graph),
                new DifferentiationRequest(
                        Map.of("x", new long[] {-1, c, hw, hw}),
                        "y",
                        null,
                        Set.of("scale", "bias"),
                        Set.of("mean", "var")));
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("x", x);
        values.put("scale", new float[] {1f, 2f, 0.5f});
        values.put("bias", new float[] {0f, 1f, -1f});
        values.put("mean", runningMean);
        values.put("var", runningVar);
        Map<String, long[]> shapes = new HashMap<>(Map.of(
                "x",
                new long[] {n, c, hw, hw},
                "scale",
                new long[] {c},
                "bias",
                new long[] {c},
                "mean",
                new long[] {c},
                "var",
                new long[] {c}));
        try (GradientChecker checker = new GradientChecker(training, values, shapes, null)) {
            checker.seed(new float[n * c * hw * hw], new long[] {n, c, hw, hw});
            Map<String, float[]> out = checker.run();
            float[] newMean = out.get(training.bufferOutputs().get("mean"));
            float[] newVar = out.get(training.bufferOutputs().get("var"));
            int m = n * hw * hw;
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw * hw; p++) {
                        double v = x[(i * c + ch) * hw * hw + p];
                        sum += v;
                        sq += v * v;
                    }
                }
                double mean = sum / m;
                double unbiased = (sq - m * mean * mean) / (m - 1);
                assertEquals(0.9 * runningMean[ch] + 0.1 * mean, newMean[ch], 1e-5);
                assertEquals(0.9 * runningVar[ch] + 0.1 * unbiased, newVar[ch], 1e-5);
            }
        }
    }

    @Test
    void dropoutScalesKeptValuesAndTheirGradients() throws OrtException {
        GraphProto graph = GraphProto.newBuilder()
                .setName("dropout")
                .addInput(OnnxModels.valueInfo("x", TensorProto.DataType.FLOAT, new long[] {-1, 50}))
                .addInitializer(GraphBuilder.floatTensor("ratio", new float[] {0.25f}, new long[0]))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Dropout")
                        .setName("drop")
                        .addInput("x")
                        .addInput("ratio")
                        .addOutput("y")
                        .addAttribute(attr("seed", 7L)))
                .addOutput(OnnxModels.valueInfo("y", TensorProto.DataType.FLOAT, new long[] {-1, 50}))
                .build();
        ModelProto model = OnnxModels.model(graph);
        TrainingGraph training = ReverseModeDifferentiator.differentiate(
                model, new DifferentiationRequest(Map.of("x", new long[] {-1, 50}), "y", null, Set.of("x"), Set.of()));
        SplittableRandom random = new SplittableRandom(9);
        float[] x = new float[4 * 50];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1f + (float) random.nextDouble();
        }
        float[] seed = GradientChecker.random(random, x.length, 1.0);
        Map<String, long[]> shapes = new HashMap<>(Map.of("x", new long[] {4, 50}));
        try (GradientChecker checker = new GradientChecker(training, Map.of("x", x), shapes, null)) {
            checker.seed(seed, new long[] {4, 50});
            Map<String, float[]> out = checker.run();
            float[] y = out.get(training.predictionOutput());
            float[] gx = out.get(training.gradientOutputs().get("x"));
            int dropped = 0;
            for (int i = 0; i < x.length; i++) {
                if (y[i] == 0f) {
                    dropped++;
                    assertEquals(0f, gx[i], 0f);
                } else {
                    assertEquals(x[i] / 0.75f, y[i], 1e-5);
                    assertEquals(seed[i] / 0.75f, gx[i], 1e-5);
                }
            }
            assertTrue(dropped > 20 && dropped < 80, "dropped " + dropped + " of 200 at ratio 0.25");
        }
    }
}
