package org.mltoolkit.plugin.cnn.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;

/**
 * Static shapes of every tensor of a forward graph, for the operators the toolkit can differentiate. A dimension
 * of -1 is unknown until run time (the batch). Pure: reads the graph, mutates nothing.
 */
public final class ShapeInference {
    private ShapeInference() {}

    /**
     * @param graph       the forward graph
     * @param inputShapes shapes of the graph inputs that are not initializers (-1 for the batch)
     * @return the shape of every tensor, keyed by name
     * @throws ToolkitException for an operator it does not know, naming the operator and the node
     */
    public static Map<String, long[]> infer(GraphProto graph, Map<String, long[]> inputShapes) {
        Map<String, long[]> shapes = new HashMap<>(inputShapes);
        Map<String, TensorProto> constants = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            shapes.put(
                    t.getName(),
                    t.getDimsList().stream().mapToLong(Long::longValue).toArray());
            constants.put(t.getName(), t);
        }
        for (NodeProto node : graph.getNodeList()) {
            long[] x = node.getInputCount() > 0 ? shapes.get(node.getInput(0)) : null;
            if (node.getInputCount() > 0 && x == null) {
                throw new ToolkitException(
                        "cannot infer the shape of input '" + node.getInput(0) + "' of " + Attributes.describe(node));
            }
            switch (node.getOpType()) {
                case "Relu",
                        "LeakyRelu",
                        "Sigmoid",
                        "Tanh",
                        "Identity",
                        "LogSoftmax",
                        "Softmax",
                        "BatchNormalization" -> {
                    shapes.put(node.getOutput(0), x);
                }
                case "Dropout" -> {
                    shapes.put(node.getOutput(0), x);
                    if (node.getOutputCount() > 1) {
                        shapes.put(node.getOutput(1), x);
                    }
                }
                case "Add", "Sub", "Mul", "Div" ->
                    shapes.put(node.getOutput(0), broadcast(x, shapes.get(node.getInput(1)), node));
                case "Conv", "MaxPool", "AveragePool" -> {
                    long[] kernel = node.getOpType().equals("Conv")
                            ? Arrays.copyOfRange(shapes.get(node.getInput(1)), 2, x.length)
                            : Attributes.getInts(node, "kernel_shape", null);
                    long[] out = x.clone();
                    if (node.getOpType().equals("Conv")) {
                        out[1] = shapes.get(node.getInput(1))[0];
                    }
                    long[] strides = Attributes.getInts(node, "strides", null);
                    long[] pads = Attributes.getInts(node, "pads", null);
                    long[] dilations = Attributes.getInts(node, "dilations", null);
                    int spatial = x.length - 2;
                    for (int i = 0; i < spatial; i++) {
                        long s = strides == null ? 1 : strides[i];
                        long d = dilations == null ? 1 : dilations[i];
                        long p = pads == null ? 0 : pads[i] + pads[i + spatial];
                        out[i + 2] = (x[i + 2] + p - d * (kernel[i] - 1) - 1) / s + 1;
                    }
                    for (int i = 0; i < node.getOutputCount(); i++) {
                        shapes.put(node.getOutput(i), out);
                    }
                }
                case "Gemm" -> {
                    long[] b = shapes.get(node.getInput(1));
                    boolean ta = Attributes.getInt(node, "transA", 0) != 0;
                    boolean tb = Attributes.getInt(node, "transB", 0) != 0;
                    shapes.put(node.getOutput(0), new long[] {ta ? x[1] : x[0], tb ? b[0] : b[1]});
                }
                case "MatMul" -> {
                    long[] b = shapes.get(node.getInput(1));
                    if (x.length < 2 || b.length < 2) {
                        throw new ToolkitException(
                                Attributes.describe(node) + ": MatMul needs operands of rank 2 or more, got "
                                        + Arrays.toString(x) + " and " + Arrays.toString(b));
                    }
                    long[] batch = broadcast(Arrays.copyOf(x, x.length - 2), Arrays.copyOf(b, b.length - 2), node);
                    long[] out = Arrays.copyOf(batch, batch.length + 2);
                    out[batch.length] = x[x.length - 2];
                    out[batch.length + 1] = b[b.length - 1];
                    shapes.put(node.getOutput(0), out);
                }
                case "Flatten" -> {
                    int axis = (int) Attributes.getInt(node, "axis", 1);
                    if (axis < 0) {
                        axis += x.length;
                    }
                    shapes.put(node.getOutput(0), new long[] {product(x, 0, axis), product(x, axis, x.length)});
                }
                case "Reshape" -> {
                    TensorProto target = constants.get(node.getInput(1));
                    if (target == null) {
                        throw new ToolkitException(Attributes.describe(node) + ": the target shape '" + node.getInput(1)
                                + "' must be an initializer");
                    }
                    double[] values = GraphBuilder.values(target);
                    long[] out = new long[values.length];
                    int unknown = -1;
                    long known = 1;
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (long) values[i];
                        if (out[i] == 0) {
                            out[i] = x[i];
                        }
                        if (out[i] == -1) {
                            unknown = i;
                        } else {
                            known *= out[i];
                        }
                    }
                    long total = product(x, 0, x.length);
                    if (unknown >= 0 && total >= 0) {
                        out[unknown] = total / known;
                    }
                    shapes.put(node.getOutput(0), out);
                }
                case "Transpose" -> {
                    long[] perm = Attributes.getInts(node, "perm", null);
                    long[] out = new long[x.length];
                    for (int i = 0; i < x.length; i++) {
                        out[i] = x[perm == null ? x.length - 1 - i : (int) perm[i]];
                    }
                    shapes.put(node.getOutput(0), out);
                }
                case "NegativeLogLikelihoodLoss" -> shapes.put(node.getOutput(0), new long[0]);
                default ->
                    throw new ToolkitException("unsupported operator " + node.getOpType() + " in node '"
                            + node.getName() + "': no shape or gradient rule");
            }
        }
        return shapes;
    }

    /** Product of dims[from..to), -1 if any of them is unknown. */
    public static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (dims[i] < 0) {
                return -1;
            }
            p *= dims[i];
        }
        return p;
    }

    /** Numpy-style broadcast of two shapes. */
    public static long[] broadcast(long[] a, long[] b, NodeProto node) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            long db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da == db || db == 1) {
                out[i] = da;
            } else if (da == 1) {
                out[i] = db;
            } else if (da < 0 || db < 0) {
                out[i] = Math.max(da, db) > 1 ? Math.max(da, db) : -1;
            } else {
                throw new ToolkitException(Attributes.describe(node) + ": shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " do not broadcast");
            }
        }
        return out;
    }
}
