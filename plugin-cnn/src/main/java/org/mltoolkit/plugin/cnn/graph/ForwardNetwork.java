package org.mltoolkit.plugin.cnn.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A classifier as ONNX graphs that share one named state (parameters and BatchNorm running statistics, stored as
 * initializers of every graph). The graphs differ only in what they are for:
 *
 * @param training         the forward graph at the toolkit's opset that training differentiates; its output
 *                         {@code output} holds log-probabilities [N, classes]. Null when the network cannot be
 *                         trained; {@code trainingUnavailable} then says why, in one line
 * @param trainingUnavailable why {@code training} is null, or null
 * @param inference        the graph predictions run; its output {@code output} holds log-probabilities
 * @param export           the graph {@code export} writes, with the state baked in
 * @param input            the name of the data input, the same in all graphs
 * @param inputShape       the data input's shape, -1 for the batch: [N, C, H, W] or [N, D]
 * @param output           the name of the log-probabilities output of {@code training} and {@code inference}
 * @param state            parameters and buffers in a stable order
 * @param initialState     the initial value of every state tensor, by name
 * @param description      facts worth showing to a user and recording in checkpoints, in display order
 */
public record ForwardNetwork(
        ModelProto training,
        String trainingUnavailable,
        ModelProto inference,
        ModelProto export,
        String input,
        long[] inputShape,
        String output,
        List<ParameterSpec> state,
        Map<String, float[]> initialState,
        Map<String, String> description) {
    public ForwardNetwork {
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (training == null && trainingUnavailable == null) {
            throw new IllegalArgumentException("a network without a training graph needs the reason");
        }
        state = List.copyOf(state);
        initialState = Map.copyOf(initialState);
        description = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(description));
    }

    /**
     * A network whose one graph serves training, inference and export (the toolkit's own networks), with the
     * graph's initializers as the initial state.
     */
    public static ForwardNetwork of(
            ModelProto model, String input, long[] inputShape, String output, List<ParameterSpec> state) {
        Map<String, float[]> initial = new java.util.HashMap<>();
        Map<String, ai.onnx.proto.OnnxMl.TensorProto> initializers = new java.util.HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        for (ParameterSpec p : state) {
            double[] values = GraphBuilder.values(initializers.get(p.name()));
            float[] v = new float[values.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values[i];
            }
            initial.put(p.name(), v);
        }
        return new ForwardNetwork(model, null, model, model, input, inputShape, output, state, initial, Map.of());
    }

    /** Number of elements of one example as the network takes it. */
    public long exampleSize() {
        return ShapeInference.product(inputShape, 1, inputShape.length);
    }
}
