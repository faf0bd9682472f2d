package org.mltoolkit.plugin.cnn.imported;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;

/**
 * Re-initialises an imported network's state the way PyTorch initialises each kind of layer: Conv, ConvTranspose,
 * Gemm and MatMul weights kaiming-uniform with a = sqrt(5), that is uniform in +-1/sqrt(fan_in), and their biases
 * (a Gemm's C, an Add right after a MatMul) uniform in the same bound; BatchNormalization, InstanceNormalization
 * and LayerNormalization scale 1, bias 0, running mean 0, running variance 1; PRelu slopes 0.25. Values are drawn
 * from the seed in the order of the nodes (the same seed gives the same weights; the numbers are not PyTorch's).
 */
final class PyTorchInitialization {
    private PyTorchInitialization() {}

    /**
     * Overwrites the values in {@code initial} (mutated) of every state tensor whose layer kind is known. Returns the
     * names of the parameters of unknown kind, which keep the file's values.
     */
    static List<String> apply(
            List<NodeProto> nodes, List<ParameterSpec> state, Map<String, float[]> initial, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, ParameterSpec> byName = new HashMap<>();
        state.forEach(p -> byName.put(p.name(), p));
        Set<String> done = new LinkedHashSet<>();
        Map<String, Double> matMulBounds = new HashMap<>();
        for (NodeProto node : nodes) {
            switch (node.getOpType()) {
                case "Conv", "ConvTranspose" -> {
                    ParameterSpec w = param(byName, node, 1);
                    if (w != null && w.shape().length >= 2) {
                        long fanIn = w.shape()[1];
                        for (int i = 2; i < w.shape().length; i++) {
                            fanIn *= w.shape()[i];
                        }
                        double bound = 1 / Math.sqrt(fanIn);
                        uniform(random, initial, done, w, bound);
                        uniform(random, initial, done, param(byName, node, 2), bound);
                    }
                }
                case "Gemm" -> {
                    ParameterSpec b = param(byName, node, 1);
                    if (b != null && b.shape().length == 2) {
                        boolean transB = Attributes.getInt(node, "transB", 0) != 0;
                        double bound = 1 / Math.sqrt(transB ? b.shape()[1] : b.shape()[0]);
                        uniform(random, initial, done, b, bound);
                        uniform(random, initial, done, param(byName, node, 2), bound);
                    }
                }
                case "MatMul" -> {
                    ParameterSpec b = param(byName, node, 1);
                    if (b != null && b.shape().length >= 2) {
                        double bound = 1 / Math.sqrt(b.shape()[b.shape().length - 2]);
                        uniform(random, initial, done, b, bound);
                        matMulBounds.put(node.getOutput(0), bound);
                    }
                }
                case "Add" -> {
                    Double bound = matMulBounds.get(node.getInput(0));
                    int biasInput = 1;
                    if (bound == null) {
                        bound = matMulBounds.get(node.getInput(1));
                        biasInput = 0;
                    }
                    if (bound != null) {
                        uniform(random, initial, done, param(byName, node, biasInput), bound);
                    }
                }
                case "BatchNormalization", "InstanceNormalization", "LayerNormalization" -> {
                    fill(initial, done, param(byName, node, 1), 1f);
                    fill(initial, done, param(byName, node, 2), 0f);
                    fill(initial, done, param(byName, node, 3), 0f);
                    fill(initial, done, param(byName, node, 4), 1f);
                }
                case "PRelu" -> fill(initial, done, param(byName, node, 1), 0.25f);
                default -> {
                    // no PyTorch default for this kind of layer
                }
            }
        }
        List<String> kept = new ArrayList<>();
        for (ParameterSpec p : state) {
            if (p.trainable() && !done.contains(p.name())) {
                kept.add(p.name());
            }
        }
        return kept;
    }

    private static ParameterSpec param(Map<String, ParameterSpec> byName, NodeProto node, int input) {
        return input < node.getInputCount() ? byName.get(node.getInput(input)) : null;
    }

    private static void uniform(
            SplittableRandom random, Map<String, float[]> initial, Set<String> done, ParameterSpec p, double bound) {
        if (p == null || !done.add(p.name())) {
            return;
        }
        float[] v = new float[p.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        initial.put(p.name(), v);
    }

    private static void fill(Map<String, float[]> initial, Set<String> done, ParameterSpec p, float value) {
        if (p == null || !done.add(p.name())) {
            return;
        }
        float[] v = new float[p.size()];
        Arrays.fill(v, value);
        initial.put(p.name(), v);
    }
}
