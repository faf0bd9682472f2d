package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * A rule for an operator whose only differentiable input is its first, with a gradient that is one expression of
 * the gradient of its first output. The check every such rule makes (no gradient reaches the output, or the input
 * needs none) is made here, once.
 */
abstract class SingleInputRule implements GradientRule {
    /**
     * Emits the nodes that compute the first input's gradient from {@code gy}, the gradient of the first output,
     * and returns the name of the result. Throws ToolkitException, naming the node, for attribute values the rule
     * does not support.
     */
    abstract String inputGradient(NodeProto node, DifferentiationContext c, String gy);

    @Override
    public final void backward(NodeProto node, DifferentiationContext c) {
        String gy = c.gradient(node.getOutput(0));
        if (gy != null && c.needsGradient(node.getInput(0))) {
            c.accumulate(node.getInput(0), inputGradient(node, c, gy));
        }
    }

    /** A single-input rule for an elementwise operator, which runs in either layout. */
    abstract static class LayoutKeeping extends SingleInputRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            GradientRule.forwardKeepingLayout(node, c, this);
        }
    }
}
