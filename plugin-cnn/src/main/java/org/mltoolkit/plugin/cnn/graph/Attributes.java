package org.mltoolkit.plugin.cnn.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

/** Reads a node's attributes with defaults. Never mutates the node. */
public final class Attributes {
    private Attributes() {}

    private static AttributeProto find(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public static long getInt(NodeProto node, String name, long defaultValue) {
        AttributeProto a = find(node, name);
        return a == null ? defaultValue : a.getI();
    }

    public static float getFloat(NodeProto node, String name, float defaultValue) {
        AttributeProto a = find(node, name);
        return a == null ? defaultValue : a.getF();
    }

    public static String getString(NodeProto node, String name, String defaultValue) {
        AttributeProto a = find(node, name);
        return a == null ? defaultValue : a.getS().toStringUtf8();
    }

    /** The ints attribute, or {@code defaultValue} (may be null) when absent. */
    public static long[] getInts(NodeProto node, String name, long[] defaultValue) {
        AttributeProto a = find(node, name);
        if (a == null) {
            return defaultValue;
        }
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    public static boolean has(NodeProto node, String name) {
        return find(node, name) != null;
    }

    /** "OpType node 'name'" for error messages. */
    public static String describe(NodeProto node) {
        return node.getOpType() + " node '" + node.getName() + "'";
    }
}
