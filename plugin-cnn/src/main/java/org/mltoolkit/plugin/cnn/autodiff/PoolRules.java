package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;
import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.ShapeInference;

/** Gradient rules of 2-D MaxPool and AveragePool (explicit pads, floor mode) and of GlobalAveragePool. */
final class PoolRules {
    private PoolRules() {}

    private static void validate(NodeProto node, DifferentiationContext c) {
        if (c.shape(node.getInput(0)).length != 4) {
            throw new ToolkitException(Attributes.describe(node) + ": only 2-D pooling can be trained");
        }
        if (Attributes.getInt(node, "ceil_mode", 0) != 0) {
            throw new ToolkitException(Attributes.describe(node) + ": ceil_mode=1 is not supported for training");
        }
        if (!Attributes.getString(node, "auto_pad", "NOTSET").equals("NOTSET")) {
            throw new ToolkitException(
                    Attributes.describe(node) + ": auto_pad is not supported for training; give explicit pads");
        }
        long[] dilations = Attributes.getInts(node, "dilations", null);
        if (dilations != null && Arrays.stream(dilations).anyMatch(d -> d != 1)) {
            throw new ToolkitException(Attributes.describe(node) + ": dilated pooling is not supported for training");
        }
    }

    /** MaxPool: the forward keeps the argmax indices; the gradient is scattered (added) back to them. */
    static final class MaxPool extends SingleInputRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            validate(node, c);
            if (Attributes.getInt(node, "storage_order", 0) != 0) {
                throw new ToolkitException(
                        Attributes.describe(node) + ": storage_order=1 is not supported for training");
            }
            String indices = node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()
                    ? node.getOutput(1)
                    : c.graph().fresh("maxpool_indices");
            NodeProto emitted = c.withBatchFirstInputs(node).toBuilder()
                    .clearOutput()
                    .addOutput(node.getOutput(0))
                    .addOutput(indices)
                    .build();
            c.graph().add(emitted);
            c.record(emitted, this);
            c.save(node, "indices", indices);
        }

        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            String x = node.getInput(0);
            GraphBuilder g = c.graph();
            String flatSize = g.op("Reshape", g.op("Size", x), g.ints(1));
            String zeros = g.op("ConstantOfShape", flatSize);
            String indices = g.op("Reshape", c.saved(node, "indices"), g.ints(-1));
            String updates = g.op("Reshape", gy, g.ints(-1));
            String scattered = g.op(
                    "ScatterElements", List.of(zeros, indices, updates), attr("axis", 0L), attr("reduction", "add"));
            return g.op("Reshape", scattered, c.runtimeShape(x));
        }
    }

    /** GlobalAveragePool: every input position receives its channel's output gradient over the spatial size. */
    static final class GlobalAveragePool extends SingleInputRule {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            String x = node.getInput(0);
            long[] xs = c.shape(x);
            long spatial = ShapeInference.product(xs, 2, xs.length);
            if (spatial < 0) {
                throw new ToolkitException(Attributes.describe(node) + ": the spatial size must be known for training");
            }
            GraphBuilder g = c.graph();
            String scaled = g.op("Mul", gy, g.floatScalar(1f / spatial));
            return g.op("Expand", scaled, c.runtimeShape(x));
        }
    }

    /**
     * AveragePool: every output gradient is spread evenly over its window (a depthwise ConvTranspose with a kernel
     * of ones), divided by the window's count (padding included or not, as the node says).
     */
    static final class AveragePool extends SingleInputRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            validate(node, c);
            super.forward(node, c);
        }

        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            String x = node.getInput(0);
            GraphBuilder g = c.graph();
            long[] xs = c.shape(x);
            long[] ys = c.shape(node.getOutput(0));
            long[] k = Attributes.getInts(node, "kernel_shape", null);
            long[] strides = Attributes.getInts(node, "strides", new long[] {1, 1});
            long[] pads = Attributes.getInts(node, "pads", new long[] {0, 0, 0, 0});
            boolean includePad = Attributes.getInt(node, "count_include_pad", 0) != 0;
            boolean padded = Arrays.stream(pads).anyMatch(p -> p != 0);
            String scaled;
            if (includePad || !padded) {
                scaled = g.op("Mul", gy, g.floatScalar(1f / (k[0] * k[1])));
            } else {
                float[] ones = new float[(int) (xs[2] * xs[3])];
                Arrays.fill(ones, 1f);
                float[] window = new float[(int) (k[0] * k[1])];
                Arrays.fill(window, 1f);
                String counts = g.op(
                        "Conv",
                        List.of(g.floats(ones, 1, 1, xs[2], xs[3]), g.floats(window, 1, 1, k[0], k[1])),
                        attrs("strides", strides),
                        attrs("pads", pads));
                scaled = g.op("Div", gy, counts);
            }
            long channels = xs[1];
            float[] kernel = new float[(int) (channels * k[0] * k[1])];
            Arrays.fill(kernel, 1f);
            long opH = xs[2] - (strides[0] * (ys[2] - 1) + k[0] - pads[0] - pads[2]);
            long opW = xs[3] - (strides[1] * (ys[3] - 1) + k[1] - pads[1] - pads[3]);
            return g.op(
                    "ConvTranspose",
                    List.of(scaled, g.floats(kernel, channels, 1, k[0], k[1])),
                    attr("group", channels),
                    attrs("strides", strides),
                    attrs("pads", pads),
                    attrs("output_padding", opH, opW));
        }
    }
}
