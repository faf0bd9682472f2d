package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mltoolkit.plugin.cnn.graph.ConvClassifierGraph;
import org.mltoolkit.plugin.cnn.graph.ForwardNetwork;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;

/**
 * The whole classifier (two blocks with stride-2 convolutions and training-mode BatchNorm, a hidden linear layer
 * with BatchNorm, LogSoftmax, NLL loss), scaled down, against finite differences of its loss, in both convolution
 * formulations.
 */
class SmallNetworkGradientTest {
    @ParameterizedTest(name = "gemm_conv_max_pixels={0}")
    @ValueSource(ints = {0, 4096})
    void everyParameterGradientMatchesFiniteDifferences(int gemmPixels) throws OrtException {
        ForwardNetwork network = ConvClassifierGraph.build(1, 8, 8, 3, new long[] {3, 4}, 5, 11);
        Set<String> parameters = new LinkedHashSet<>();
        Set<String> buffers = new LinkedHashSet<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        Map<String, TensorProto> initializers = new HashMap<>();
        network.training().getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        SplittableRandom random = new SplittableRandom(5);
        int batch = 6;
        values.put("input", GradientChecker.random(random, batch * 64, 1.0));
        shapes.put("input", new long[] {batch, 1, 8, 8});
        for (ParameterSpec p : network.state()) {
            (p.trainable() ? parameters : buffers).add(p.name());
            double[] init = GraphBuilder.values(initializers.get(p.name()));
            float[] v = new float[init.length];
            for (int i = 0; i < v.length; i++) {
                // perturb BatchNorm scale and bias away from 1 and 0 so that their gradients are exercised fully
                v[i] = (float) init[i]
                        + (p.name().contains("bn") && p.trainable() ? (float) (random.nextDouble() * 0.4 - 0.2) : 0f);
            }
            values.put(p.name(), v);
            shapes.put(p.name(), p.shape());
        }
        TrainingGraph graph = ReverseModeDifferentiator.differentiate(
                network.training(),
                new DifferentiationRequest(
                        Map.of("input", new long[] {-1, 1, 8, 8}),
                        ConvClassifierGraph.OUTPUT,
                        "labels",
                        parameters,
                        buffers,
                        gemmPixels));
        long[] labels = {0, 1, 2, 1, 0, 2};
        try (GradientChecker checker = new GradientChecker(graph, values, shapes, labels)) {
            for (String p : parameters) {
                checker.check(p, 1e-3, 0.05, 12, p.hashCode());
            }
        }
    }
}
