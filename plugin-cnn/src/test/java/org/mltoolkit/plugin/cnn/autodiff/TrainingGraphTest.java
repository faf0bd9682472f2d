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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /**
     * A batch of 64 images of 64x64 gives 262,144 values per channel, as many as a real batch of MNIST images does.
     * Summed in float one after another, their mean and variance came out about 1e-3 off, which put the derived
     * graph's activations 5e-3 and its gradients up to 2e-1 away from PyTorch's at the first step of a five-block
     * CNN; summed axis by axis they stay within float rounding of the exact values.
     */
    @Test
    void batchNormStatisticsOfALargeBatchKeepFloatPrecision() throws OrtException {
        int n = 64;
        int hw = 64;
        int m = n * hw * hw;
        long[] xShape = {n, 1, hw, hw};
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[m];
        float[] seed = new float[m];
        for (int i = 0; i < m; i++) {
            // like a ReLU's output: non-negative, with a mean well above its spread
            x[i] = (float) (0.7 + 0.2 * random.nextDouble());
            seed[i] = (float) (0.3 + 0.1 * random.nextDouble());
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("bn")
                .addInput(OnnxModels.valueInfo("x", TensorProto.DataType.FLOAT, new long[] {-1, 1, hw, hw}))
                .addInitializer(GraphBuilder.floatTensor("scale", new float[] {1f}, new long[] {1}))
                .addInitializer(GraphBuilder.floatTensor("bias", new float[] {0f}, new long[] {1}))
                .addInitializer(GraphBuilder.floatTensor("mean", new float[] {0f}, new long[] {1}))
                .addInitializer(GraphBuilder.floatTensor("var", new float[] {1f}, new long[] {1}))
                .addNode(NodeProto.newBuilder()
                        .setOpType("BatchNormalization")
                        .setName("bn")
                        .addInput("x")
                        .addInput("scale")
                        .addInput("bias")
                        .addInput("mean")
                        .addInput("var")
                        .addOutput("y"))
                .addOutput(OnnxModels.valueInfo("y", TensorProto.DataType.FLOAT, new long[] {-1, 1, hw, hw}))
                .build();
        TrainingGraph training = ReverseModeDifferentiator.differentiate(
                OnnxModels.model(graph),
                new DifferentiationRequest(
                        Map.of("x", new long[] {-1, 1, hw, hw}),
                        "y",
                        null,
                        Set.of("scale", "bias"),
                        Set.of("mean", "var")));
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("x", x);
        values.put("scale", new float[] {1f});
        values.put("bias", new float[] {0f});
        values.put("mean", new float[] {0f});
        values.put("var", new float[] {1f});
        Map<String, long[]> shapes = new HashMap<>(Map.of(
                "x",
                xShape,
                "scale",
                new long[] {1},
                "bias",
                new long[] {1},
                "mean",
                new long[] {1},
                "var",
                new long[] {1}));
        double sum = 0;
        double seedSum = 0;
        for (int i = 0; i < m; i++) {
            sum += x[i];
            seedSum += seed[i];
        }
        double mean = sum / m;
        double squares = 0;
        for (float v : x) {
            squares += (v - mean) * (v - mean);
        }
        double variance = squares / m;
        try (GradientChecker checker = new GradientChecker(training, values, shapes, null)) {
            checker.seed(seed, xShape);
            Map<String, float[]> out = checker.run();
            assertEquals(0.1 * mean, out.get(training.bufferOutputs().get("mean"))[0], 1e-6 * 0.1 * mean);
            double runningVar = 0.9 + 0.1 * variance * m / (m - 1);
            assertEquals(runningVar, out.get(training.bufferOutputs().get("var"))[0], 1e-6 * runningVar);
            float[] y = out.get("y");
            double worst = 0;
            for (int i = 0; i < m; i++) {
                worst = Math.max(worst, Math.abs(y[i] - (x[i] - mean) / Math.sqrt(variance + 1e-5)));
            }
            assertTrue(worst < 1e-5, "largest error of the normalised output " + worst);
            float biasGradient = out.get(training.gradientOutputs().get("bias"))[0];
            assertEquals(seedSum, biasGradient, 1e-6 * seedSum);
        }
    }

    /**
     * The bias gradients of a Conv and of a bias added after it by broadcasting are sums over every image and pixel
     * of a channel: 262,144 values here, like a batch of 256 MNIST images. Both formulations of Conv are checked
     * (batch-wide matrix products, and Conv nodes when no output counts as small enough for them). Summed in one
     * ReduceSum, the batch-wide formulation's bias gradient came out 1.5e-6 off; axis by axis it is within 1.2e-7
     * (a float holds about 6e-8).
     */
    @ParameterizedTest(name = "gemmConvMaxPixels={0}")
    @ValueSource(ints = {DifferentiationRequest.DEFAULT_GEMM_CONV_MAX_PIXELS, 0})
    void biasGradientsOfALargeBatchKeepFloatPrecision(int gemmConvMaxPixels) throws OrtException {
        int n = 64;
        int hw = 64;
        int channels = 2;
        int plane = hw * hw;
        long[] xShape = {n, 1, hw, hw};
        long[] yShape = {n, channels, hw, hw};
        long[] weightShape = {channels, 1, 1, 1};
        long[] shiftShape = {1, channels, 1, 1};
        SplittableRandom random = new SplittableRandom(11);
        float[] x = GradientChecker.random(random, n * plane, 1.0);
        float[] seed = new float[n * channels * plane];
        double[] seedSums = new double[channels];
        for (int i = 0; i < seed.length; i++) {
            // a gradient that keeps one sign over the batch, as a loss's often does early in training
            seed[i] = (float) (0.3 + 0.1 * random.nextDouble());
            seedSums[(i / plane) % channels] += seed[i];
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("conv")
                .addInput(OnnxModels.valueInfo("x", TensorProto.DataType.FLOAT, new long[] {-1, 1, hw, hw}))
                .addInitializer(GraphBuilder.floatTensor("w", new float[] {1f, -1f}, weightShape))
                .addInitializer(GraphBuilder.floatTensor("b", new float[] {0f, 0f}, new long[] {channels}))
                .addInitializer(GraphBuilder.floatTensor("shift", new float[] {0f, 0f}, shiftShape))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Conv")
                        .setName("conv")
                        .addInput("x")
                        .addInput("w")
                        .addInput("b")
                        .addOutput("y")
                        .addAttribute(GraphBuilder.attrs("kernel_shape", 1, 1)))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Add")
                        .setName("shifted")
                        .addInput("y")
                        .addInput("shift")
                        .addOutput("z"))
                .addOutput(OnnxModels.valueInfo("z", TensorProto.DataType.FLOAT, new long[] {-1, channels, hw, hw}))
                .build();
        TrainingGraph training = ReverseModeDifferentiator.differentiate(
                OnnxModels.model(graph),
                new DifferentiationRequest(
                        Map.of("x", new long[] {-1, 1, hw, hw}),
                        "z",
                        null,
                        Set.of("w", "b", "shift"),
                        Set.of(),
                        gemmConvMaxPixels));
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("x", x);
        values.put("w", new float[] {1f, -1f});
        values.put("b", new float[] {0f, 0f});
        values.put("shift", new float[] {0f, 0f});
        Map<String, long[]> shapes =
                new HashMap<>(Map.of("x", xShape, "w", weightShape, "b", new long[] {channels}, "shift", shiftShape));
        try (GradientChecker checker = new GradientChecker(training, values, shapes, null)) {
            checker.seed(seed, yShape);
            Map<String, float[]> out = checker.run();
            for (String bias : new String[] {"b", "shift"}) {
                float[] gradient = out.get(training.gradientOutputs().get(bias));
                for (int ch = 0; ch < channels; ch++) {
                    assertEquals(
                            seedSums[ch], gradient[ch], 5e-7 * seedSums[ch], "gradient of " + bias + "[" + ch + "]");
                }
            }
        }
    }

    /**
     * The weight gradient of a lowered Conv must read kernel taps sliced again in the backward, never the forward's
     * windows (which would then stay alive from the forward to the backward: nine times the input per layer).
     * Checked for both formulations: one Gemm per tap (16 -> 16 channels) and one Gemm over the unfolded taps
     * (3 -> 4 channels); OperatorGradientTest checks the gradients' values.
     */
    @ParameterizedTest(name = "{0} input channels")
    @ValueSource(ints = {16, 3})
    void convWeightGradientSlicesTheTapsAgain(int inChannels) {
        int outChannels = inChannels == 16 ? 16 : 4;
        long[] xShape = {-1, inChannels, 6, 6};
        GraphProto graph = GraphProto.newBuilder()
                .setName("conv")
                .addInput(OnnxModels.valueInfo("x", TensorProto.DataType.FLOAT, xShape))
                .addInitializer(GraphBuilder.floatTensor(
                        "w", new float[outChannels * inChannels * 9], new long[] {outChannels, inChannels, 3, 3}))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Conv")
                        .setName("conv")
                        .addInput("x")
                        .addInput("w")
                        .addOutput("y")
                        .addAttribute(GraphBuilder.attrs("pads", 1, 1, 1, 1)))
                .addOutput(OnnxModels.valueInfo("y", TensorProto.DataType.FLOAT, new long[] {-1, outChannels, 6, 6}))
                .build();
        TrainingGraph training = ReverseModeDifferentiator.differentiate(
                OnnxModels.model(graph),
                new DifferentiationRequest(Map.of("x", xShape), "y", null, Set.of("w"), Set.of()));
        GraphProto derived = training.model().getGraph();
        String padded = derived.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Pad"))
                .findFirst()
                .orElseThrow()
                .getOutput(0);
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : derived.getNodeList()) {
            n.getInputList()
                    .forEach(input -> consumers
                            .computeIfAbsent(input, k -> new ArrayList<>())
                            .add(n));
        }
        List<NodeProto> tapSlices = consumers.get(padded);
        assertEquals(18, tapSlices.size(), "nine taps sliced in the forward and nine in the backward");
        int forwardWindows = 0;
        int weightGradientWindows = 0;
        for (NodeProto slice : tapSlices) {
            // follow each window through Reshape/Unsqueeze/Concat to the Gemm that multiplies it
            List<NodeProto> gemms = new ArrayList<>();
            List<String> frontier = new ArrayList<>(List.of(slice.getOutput(0)));
            while (!frontier.isEmpty()) {
                for (NodeProto next : consumers.getOrDefault(frontier.remove(0), List.of())) {
                    if (next.getOpType().equals("Gemm")) {
                        gemms.add(next);
                    } else {
                        frontier.add(next.getOutput(0));
                    }
                }
            }
            assertEquals(1, Set.copyOf(gemms).size(), "one Gemm reads the window of " + slice.getName());
            boolean weightGradient = gemms.get(0).getAttributeList().stream()
                    .anyMatch(a -> a.getName().equals("transB") && a.getI() == 1);
            if (weightGradient) {
                weightGradientWindows++;
            } else {
                forwardWindows++;
            }
        }
        assertEquals(9, forwardWindows, "windows read by the forward product");
        assertEquals(9, weightGradientWindows, "windows read by the weight gradient");
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
