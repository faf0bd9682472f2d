package org.mltoolkit.plugin.cnn.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.mltoolkit.api.ToolkitException;

/** The value of a Constant node in every form the operator has had (opsets 1 to 21). Pure. */
public final class Constants {
    private Constants() {}

    /**
     * The node's value as a tensor named after its output. Throws ToolkitException naming the node for sparse
     * values, string values and a node without a value.
     */
    public static TensorProto value(NodeProto node) {
        String name = node.getOutput(0);
        for (AttributeProto a : node.getAttributeList()) {
            switch (a.getName()) {
                case "value" -> {
                    return a.getT().toBuilder().setName(name).build();
                }
                case "value_float" -> {
                    return GraphBuilder.floatTensor(name, new float[] {a.getF()}, new long[0]);
                }
                case "value_floats" -> {
                    float[] v = new float[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return GraphBuilder.floatTensor(name, v, new long[] {v.length});
                }
                case "value_int" -> {
                    return GraphBuilder.int64Tensor(name, new long[] {a.getI()}, new long[0]);
                }
                case "value_ints" -> {
                    long[] v = new long[a.getIntsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getInts(i);
                    }
                    return GraphBuilder.int64Tensor(name, v, new long[] {v.length});
                }
                default -> {
                    // value_string(s), sparse_value: not numbers the toolkit can use
                }
            }
        }
        throw new ToolkitException(Attributes.describe(node) + ": only dense numeric constants are supported");
    }
}
