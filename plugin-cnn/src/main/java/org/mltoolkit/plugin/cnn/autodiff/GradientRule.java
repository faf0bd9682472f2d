package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;

/**
 * How one ONNX operator takes part in training: how it runs forward in training mode and how the gradient of the
 * loss flows back through it. Rules emit standard ONNX nodes through the {@link DifferentiationContext}.
 */
public interface GradientRule {
    /**
     * Emits the nodes that compute {@code node} in training mode, producing the node's own output names, and
     * records ({@link DifferentiationContext#record}) the node whose gradient {@link #backward} will compute. The
     * default converts channels-first inputs to ONNX's layout and copies the node; rules for operators that behave
     * differently in training (BatchNormalization, Dropout), need extra outputs for their backward (MaxPool), or
     * work in either layout (elementwise operators) override it.
     */
    default void forward(NodeProto node, DifferentiationContext context) {
        NodeProto emitted = context.withBatchFirstInputs(node);
        context.graph().add(emitted);
        context.record(emitted, this);
    }

    /**
     * Forward for operators that work in either layout: emits the node unchanged; its outputs take the layout of
     * its first input.
     */
    static void forwardKeepingLayout(NodeProto node, DifferentiationContext context, GradientRule rule) {
        context.graph().add(node);
        context.record(node, rule);
        if (context.isChannelsFirst(node.getInput(0))) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    context.markChannelsFirst(out);
                }
            }
        }
    }

    /**
     * Emits, for the node as recorded by {@link #forward}, the nodes that compute the gradients of the node's inputs
     * that need one ({@link DifferentiationContext#needsGradient}) from the gradients of its outputs
     * ({@link DifferentiationContext#gradient}), and hands them over with {@link DifferentiationContext#accumulate}.
     * Throws ToolkitException, naming the node, for attribute values the rule does not support.
     */
    void backward(NodeProto node, DifferentiationContext context);
}
