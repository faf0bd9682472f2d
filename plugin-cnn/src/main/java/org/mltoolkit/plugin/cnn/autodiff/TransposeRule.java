package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/** Transpose: the gradient is transposed back with the inverse permutation. */
final class TransposeRule implements GradientRule {
    @Override
    public void backward(NodeProto node, DifferentiationContext c) {
        String gy = c.gradient(node.getOutput(0));
        if (gy == null || !c.needsGradient(node.getInput(0))) {
            return;
        }
        int rank = c.shape(node.getInput(0)).length;
        long[] perm = Attributes.getInts(node, "perm", null);
        long[] inverse = new long[rank];
        for (int i = 0; i < rank; i++) {
            inverse[perm == null ? rank - 1 - i : (int) perm[i]] = i;
        }
        c.accumulate(node.getInput(0), c.graph().op("Transpose", gy, GraphBuilder.attrs("perm", inverse)));
    }
}
