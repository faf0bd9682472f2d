package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/** Transpose: the gradient is transposed back with the inverse permutation. */
final class TransposeRule extends SingleInputRule {
    @Override
    String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
        int rank = c.shape(node.getInput(0)).length;
        long[] perm = Attributes.getInts(node, "perm", null);
        long[] inverse = new long[rank];
        for (int i = 0; i < rank; i++) {
            inverse[perm == null ? rank - 1 - i : (int) perm[i]] = i;
        }
        return c.graph().op("Transpose", gy, GraphBuilder.attrs("perm", inverse));
    }
}
