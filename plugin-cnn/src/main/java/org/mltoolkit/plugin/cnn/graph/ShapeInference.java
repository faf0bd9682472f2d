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
            if (!inferNode(node, shapes, constants)) {
                throw new ToolkitException("unsupported operator " + node.getOpType() + " in node '" + node.getName()
                        + "': no shape or gradient rule");
            }
        }
        return shapes;
    }

    /**
     * Records the shapes of {@code node}'s outputs in {@code shapes} (and the value of a Constant node in
     * {@code constants}). Returns false, recording nothing, when the operator is not known here or an input's shape
     * is unknown. Throws ToolkitException naming the node when its attributes or constant inputs are unusable.
     */
    public static boolean inferNode(NodeProto node, Map<String, long[]> shapes, Map<String, TensorProto> constants) {
        long[] x = node.getInputCount() > 0 ? shapes.get(node.getInput(0)) : null;
        if (node.getInputCount() > 0 && x == null) {
            return false;
        }
        switch (node.getOpType()) {
            case "Constant" -> {
                TensorProto value = Constants.value(node);
                shapes.put(
                        node.getOutput(0),
                        value.getDimsList().stream().mapToLong(Long::longValue).toArray());
                constants.put(node.getOutput(0), value);
            }
            case "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Identity", "LogSoftmax", "Softmax", "BatchNormalization" -> {
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
                long[] values = constantInts(constants, node.getInput(1), node);
                if (values == null) {
                    throw new ToolkitException(Attributes.describe(node) + ": the target shape '" + node.getInput(1)
                            + "' must be a constant");
                }
                if (Attributes.getInt(node, "allowzero", 0) != 0
                        && java.util.Arrays.stream(values).anyMatch(v -> v == 0)) {
                    throw new ToolkitException(
                            Attributes.describe(node) + ": allowzero=1 with a zero in the target is not supported");
                }
                long[] out = new long[values.length];
                int literal = -1;
                int copiedUnknown = 0;
                long knownTarget = 1;
                for (int i = 0; i < out.length; i++) {
                    if (values[i] == 0) {
                        out[i] = x[i];
                        if (x[i] < 0) {
                            copiedUnknown++;
                        } else {
                            knownTarget *= x[i];
                        }
                    } else if (values[i] == -1) {
                        literal = i;
                        out[i] = -1;
                    } else {
                        out[i] = values[i];
                        knownTarget *= values[i];
                    }
                }
                long knownInput = 1;
                int unknownInput = 0;
                for (long d : x) {
                    if (d < 0) {
                        unknownInput++;
                    } else {
                        knownInput *= d;
                    }
                }
                if (literal >= 0 && unknownInput == copiedUnknown) {
                    // the unknown (batch) dimensions are copied: the -1 takes what is left of the known ones
                    out[literal] = knownInput / knownTarget;
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
            case "GlobalAveragePool", "GlobalMaxPool" -> {
                long[] out = x.clone();
                for (int i = 2; i < out.length; i++) {
                    out[i] = 1;
                }
                shapes.put(node.getOutput(0), out);
            }
            case "Concat" -> {
                int axis = axis(node, x.length, Attributes.getInt(node, "axis", 1));
                long[] out = x.clone();
                for (int i = 1; i < node.getInputCount(); i++) {
                    long[] other = shapes.get(node.getInput(i));
                    if (other == null) {
                        return false;
                    }
                    out[axis] = out[axis] < 0 || other[axis] < 0 ? -1 : out[axis] + other[axis];
                }
                shapes.put(node.getOutput(0), out);
            }
            case "Pad" -> {
                long[] pads = node.getInputCount() > 1 ? constantInts(constants, node.getInput(1), node) : null;
                if (pads == null
                        || node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
                    throw new ToolkitException(
                            Attributes.describe(node) + ": the pads must be a constant for every axis");
                }
                long[] out = x.clone();
                for (int i = 0; i < out.length; i++) {
                    out[i] = out[i] < 0 ? -1 : out[i] + pads[i] + pads[i + out.length];
                }
                shapes.put(node.getOutput(0), out);
            }
            case "Squeeze", "Unsqueeze" -> {
                long[] axes = node.getInputCount() > 1 ? constantInts(constants, node.getInput(1), node) : null;
                boolean squeeze = node.getOpType().equals("Squeeze");
                if (axes == null && !squeeze) {
                    throw new ToolkitException(Attributes.describe(node) + ": the axes must be a constant");
                }
                shapes.put(node.getOutput(0), squeeze ? squeezed(x, axes) : unsqueezed(x, axes));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long[] constantInts(Map<String, TensorProto> constants, String name, NodeProto node) {
        TensorProto t = constants.get(name);
        if (t == null) {
            return null;
        }
        double[] values = GraphBuilder.values(t);
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    private static int axis(NodeProto node, int rank, long axis) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new ToolkitException(
                    Attributes.describe(node) + ": axis " + axis + " is outside a rank-" + rank + " tensor");
        }
        return (int) a;
    }

    private static long[] squeezed(long[] x, long[] axes) {
        java.util.Set<Integer> drop = new java.util.HashSet<>();
        if (axes == null) {
            for (int i = 0; i < x.length; i++) {
                if (x[i] == 1) {
                    drop.add(i);
                }
            }
        } else {
            for (long a : axes) {
                drop.add((int) (a < 0 ? a + x.length : a));
            }
        }
        long[] out = new long[x.length - drop.size()];
        int k = 0;
        for (int i = 0; i < x.length; i++) {
            if (!drop.contains(i)) {
                out[k++] = x[i];
            }
        }
        return out;
    }

    private static long[] unsqueezed(long[] x, long[] axes) {
        int rank = x.length + axes.length;
        java.util.Set<Integer> added = new java.util.HashSet<>();
        for (long a : axes) {
            added.add((int) (a < 0 ? a + rank : a));
        }
        long[] out = new long[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = added.contains(i) ? 1 : x[k++];
        }
        return out;
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
