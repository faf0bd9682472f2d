package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/**
 * BatchNormalization in training mode, written out with sums: y = (x - mean) * a + bias with
 * a = scale / sqrt(var + eps), the statistics taken over the batch and spatial axes, each sum taken axis by axis
 * ({@link GraphBuilder#sumAxisByAxis}) so that its float rounding stays at PyTorch's level on large batches. The running statistics are
 * updated like PyTorch's (new = momentum * old + (1 - momentum) * batch, the variance unbiased). Backward:
 * dbias = sum(dy), dscale = sum(dy * xhat), dx = a * (dy - mean(dy) - xhat * mean(dy * xhat)), computed as
 * dy * a + xc * k1 + k0 with per-channel k1, k0 so that no normalised copy of x is kept.
 */
final class BatchNormRule implements GradientRule {
    @Override
    public void forward(NodeProto node, DifferentiationContext c) {
        if (node.getOutputCount() > 1) {
            throw new ToolkitException(Attributes.describe(node) + ": only the Y output is supported for training");
        }
        GraphBuilder g = c.graph();
        long[] xs = c.shape(node.getInput(0));
        long channels = xs[1];
        float eps = Attributes.getFloat(node, "epsilon", 1e-5f);
        float momentum = Attributes.getFloat(node, "momentum", 0.9f);
        String x = node.getInput(0);
        boolean channelsFirst = c.isChannelsFirst(x);
        long[] axes = reductionAxes(xs.length, channelsFirst);
        String perChannel = g.ints(perChannelShape(xs.length, channels, channelsFirst));
        String count = g.op("Div", g.op("Cast", g.op("Size", x), attr("to", 1L)), g.floatScalar(channels));
        String mean = g.op("Div", g.sumAxisByAxis(x, axes, false), count);
        String xc = g.op("Sub", x, mean);
        String variance = g.op("Div", g.sumAxisByAxis(xc, axes, true), count);
        String invStd = g.op("Reciprocal", g.op("Sqrt", g.op("Add", variance, g.floatScalar(eps))));
        String a = g.op("Mul", g.op("Reshape", node.getInput(1), perChannel), invStd);
        String bias = g.op("Reshape", node.getInput(2), perChannel);
        g.node("Add", List.of(g.op("Mul", xc, a), bias), List.of(node.getOutput(0)));
        c.record(node, this);
        if (channelsFirst) {
            c.markChannelsFirst(node.getOutput(0));
        }
        c.save(node, "xc", xc);
        c.save(node, "invStd", invStd);
        c.save(node, "a", a);
        c.save(node, "count", count);

        String flatMean = g.op("Reshape", mean, g.ints(channels));
        String unbiased = g.op(
                "Mul",
                g.op("Reshape", variance, g.ints(channels)),
                g.op("Div", count, g.op("Sub", count, g.floatScalar(1f))));
        c.updateBuffer(node.getInput(3), blend(g, node.getInput(3), flatMean, momentum));
        c.updateBuffer(node.getInput(4), blend(g, node.getInput(4), unbiased, momentum));
    }

    private static String blend(GraphBuilder g, String running, String batch, float momentum) {
        return g.op(
                "Add", g.op("Mul", running, g.floatScalar(momentum)), g.op("Mul", batch, g.floatScalar(1f - momentum)));
    }

    @Override
    public void backward(NodeProto node, DifferentiationContext c) {
        String gy = c.gradient(node.getOutput(0));
        if (gy == null) {
            return;
        }
        GraphBuilder g = c.graph();
        long[] xs = c.shape(node.getInput(0));
        long channels = xs[1];
        long[] axes = reductionAxes(xs.length, c.isChannelsFirst(node.getInput(0)));
        String xc = c.saved(node, "xc");
        String invStd = c.saved(node, "invStd");
        String sumGy = g.sumAxisByAxis(gy, axes, false);
        String sumGyXc = g.sumAxisByAxis(g.op("Mul", gy, xc), axes, false);
        if (c.needsGradient(node.getInput(2))) {
            c.accumulate(node.getInput(2), g.op("Reshape", sumGy, g.ints(channels)));
        }
        if (c.needsGradient(node.getInput(1))) {
            c.accumulate(node.getInput(1), g.op("Reshape", g.op("Mul", sumGyXc, invStd), g.ints(channels)));
        }
        if (c.needsGradient(node.getInput(0))) {
            String a = c.saved(node, "a");
            String count = c.saved(node, "count");
            String aOverCount = g.op("Div", a, count);
            String k0 = g.op("Neg", g.op("Mul", aOverCount, sumGy));
            String k1 = g.op("Neg", g.op("Mul", g.op("Mul", aOverCount, g.op("Mul", invStd, invStd)), sumGyXc));
            String dx = g.op("Add", g.op("Add", g.op("Mul", gy, a), g.op("Mul", xc, k1)), k0);
            c.accumulate(node.getInput(0), dx);
        }
    }

    /** Every axis but the channel axis (1 in ONNX's layout, 0 when stored channels first). */
    static long[] reductionAxes(int rank, boolean channelsFirst) {
        long[] axes = new long[rank - 1];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            if (i != (channelsFirst ? 0 : 1)) {
                axes[k++] = i;
            }
        }
        return axes;
    }

    static long[] perChannelShape(int rank, long channels, boolean channelsFirst) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[channelsFirst ? 0 : 1] = channels;
        return shape;
    }
}
