package org.mltoolkit.plugin.cnn.graph;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;
import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The forward ONNX graph of the convolutional classifier: blocks of Conv3x3 - Relu - BatchNorm - Conv3x3/stride 2 -
 * Relu - BatchNorm (channels 32, 64, 128, 256, 512 by default), Flatten, Gemm to 50 - Relu - BatchNorm, Gemm to the
 * classes, LogSoftmax. Input {@code input} [N, C, H, W], output {@code log_probs} [N, classes]. BatchNorm nodes are
 * in inference mode (running statistics), so this graph is also the inference graph; training derives from it.
 */
public final class ConvClassifierGraph {
    public static final String INPUT = "input";
    public static final String OUTPUT = "log_probs";

    private ConvClassifierGraph() {}

    /**
     * Builds the network with weights initialised like PyTorch's defaults (uniform in +-1/sqrt(fan_in) for
     * convolution and linear weights and biases; BatchNorm scale 1, bias 0, running mean 0, running variance 1),
     * drawn from {@code seed}.
     */
    public static ForwardNetwork build(
            int channels, int height, int width, int numClasses, long[] blockChannels, int hidden, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        GraphBuilder g = new GraphBuilder("");
        List<ParameterSpec> state = new ArrayList<>();
        String x = INPUT;
        long in = channels;
        long h = height;
        long w = width;
        int block = 1;
        for (long out : blockChannels) {
            String p = "block" + block + ".";
            x = conv(g, state, random, p + "conv1", x, in, out, 1);
            x = g.op("Relu", x);
            x = batchNorm(g, state, p + "bn1", x, out);
            x = conv(g, state, random, p + "conv2", x, out, out, 2);
            x = g.op("Relu", x);
            x = batchNorm(g, state, p + "bn2", x, out);
            h = (h - 1) / 2 + 1;
            w = (w - 1) / 2 + 1;
            in = out;
            block++;
        }
        x = g.op("Flatten", x, attr("axis", 1L));
        long flat = in * h * w;
        x = linear(g, state, random, "fc1", x, flat, hidden);
        x = g.op("Relu", x);
        x = batchNorm(g, state, "bn_fc1", x, hidden);
        x = linear(g, state, random, "fc2", x, hidden, numClasses);
        g.node("LogSoftmax", List.of(x), List.of(OUTPUT), attr("axis", 1L));

        GraphProto graph = GraphProto.newBuilder()
                .setName("conv_classifier")
                .addInput(OnnxModels.valueInfo(
                        INPUT, TensorProto.DataType.FLOAT, new long[] {-1, channels, height, width}))
                .addOutput(OnnxModels.valueInfo(OUTPUT, TensorProto.DataType.FLOAT, new long[] {-1, numClasses}))
                .addAllNode(g.nodes())
                .addAllInitializer(g.initializers())
                .build();
        return ForwardNetwork.of(
                OnnxModels.model(graph), INPUT, new long[] {-1, channels, height, width}, OUTPUT, state);
    }

    private static String conv(
            GraphBuilder g,
            List<ParameterSpec> state,
            SplittableRandom random,
            String name,
            String x,
            long in,
            long out,
            long stride) {
        double bound = 1 / Math.sqrt(in * 9.0);
        String weight =
                parameter(g, state, name + ".weight", uniform(random, (int) (out * in * 9), bound), out, in, 3, 3);
        String bias = parameter(g, state, name + ".bias", uniform(random, (int) out, bound), out);
        return g.op(
                "Conv",
                List.of(x, weight, bias),
                attrs("kernel_shape", 3, 3),
                attrs("pads", 1, 1, 1, 1),
                attrs("strides", stride, stride));
    }

    private static String linear(
            GraphBuilder g,
            List<ParameterSpec> state,
            SplittableRandom random,
            String name,
            String x,
            long in,
            long out) {
        double bound = 1 / Math.sqrt(in);
        String weight = parameter(g, state, name + ".weight", uniform(random, (int) (out * in), bound), out, in);
        String bias = parameter(g, state, name + ".bias", uniform(random, (int) out, bound), out);
        return g.op("Gemm", List.of(x, weight, bias), attr("transB", 1L));
    }

    private static String batchNorm(GraphBuilder g, List<ParameterSpec> state, String name, String x, long channels) {
        float[] ones = new float[(int) channels];
        Arrays.fill(ones, 1f);
        String scale = parameter(g, state, name + ".weight", ones, channels);
        String bias = parameter(g, state, name + ".bias", new float[(int) channels], channels);
        String mean = buffer(g, state, name + ".running_mean", new float[(int) channels], channels);
        String var = buffer(g, state, name + ".running_var", ones.clone(), channels);
        // ONNX momentum weighs the old running value: PyTorch's momentum 0.1 is ONNX's 0.9.
        return g.op(
                "BatchNormalization",
                List.of(x, scale, bias, mean, var),
                attr("epsilon", 1e-5f),
                attr("momentum", 0.9f));
    }

    private static String parameter(
            GraphBuilder g, List<ParameterSpec> state, String name, float[] values, long... dims) {
        g.initializers().add(GraphBuilder.floatTensor(name, values, dims));
        state.add(new ParameterSpec(name, dims, true));
        return name;
    }

    private static String buffer(GraphBuilder g, List<ParameterSpec> state, String name, float[] values, long... dims) {
        g.initializers().add(GraphBuilder.floatTensor(name, values, dims));
        state.add(new ParameterSpec(name, dims, false));
        return name;
    }

    private static float[] uniform(SplittableRandom random, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }
}
