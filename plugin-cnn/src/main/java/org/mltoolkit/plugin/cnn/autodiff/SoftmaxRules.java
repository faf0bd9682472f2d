package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/** Gradient rules of Softmax, LogSoftmax and of the mean NegativeLogLikelihoodLoss. */
final class SoftmaxRules {
    private SoftmaxRules() {}

    /** y = x - logsumexp(x): dx = dy - exp(y) * sum(dy) along the axis. */
    static final class LogSoftmax extends SingleInputRule {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            long axis = Attributes.getInt(node, "axis", -1);
            String sum = g.op("ReduceSum", gy, g.ints(axis), attr("keepdims", 1L));
            String softmax = g.op("Exp", node.getOutput(0));
            return g.op("Sub", gy, g.op("Mul", softmax, sum));
        }
    }

    /** y = softmax(x) along the axis: dx = y * (dy - sum(dy * y)) along the axis. */
    static final class Softmax extends SingleInputRule {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            long axis = Attributes.getInt(node, "axis", -1);
            String y = node.getOutput(0);
            String sum = g.op("ReduceSum", g.op("Mul", gy, y), g.ints(axis), attr("keepdims", 1L));
            return g.op("Mul", y, g.op("Sub", gy, sum));
        }
    }

    /**
     * loss = -mean_i input[i, target_i] (reduction "mean", no class weights): d input = -onehot(target) / N * dloss.
     */
    static final class NegativeLogLikelihoodLoss implements GradientRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            if (!Attributes.getString(node, "reduction", "mean").equals("mean")
                    || node.getInputCount() > 2
                    || Attributes.has(node, "ignore_index")) {
                throw new ToolkitException(Attributes.describe(node)
                        + ": only reduction=mean without class weights or ignore_index is supported for training");
            }
            GradientRule.super.forward(node, c);
        }

        @Override
        public void backward(NodeProto node, DifferentiationContext c) {
            String gLoss = c.gradient(node.getOutput(0));
            String input = node.getInput(0);
            if (gLoss == null || !c.needsGradient(input)) {
                return;
            }
            long[] shape = c.shape(input);
            if (shape.length != 2) {
                throw new ToolkitException(
                        Attributes.describe(node) + ": only [N, C] inputs are supported for training");
            }
            GraphBuilder g = c.graph();
            String target = node.getInput(1);
            String oneHot = g.op(
                    "OneHot",
                    List.of(target, g.intScalar(shape[1]), g.floats(new float[] {0f, -1f}, 2)),
                    attr("axis", -1L));
            String count = g.op("Cast", g.op("Shape", target), attr("to", 1L));
            String scale = g.op("Div", gLoss, count);
            c.accumulate(input, g.op("Mul", oneHot, scale));
        }
    }
}
