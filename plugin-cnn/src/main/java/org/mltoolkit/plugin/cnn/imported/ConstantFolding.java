package org.mltoolkit.plugin.cnn.imported;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.ShapeInference;

/**
 * Evaluates the small computations exporters write to build shapes and pads (Shape, Gather, Unsqueeze, Concat,
 * Slice, Cast, ...) when their inputs are known, so that the training graph sees constants. Opset-18 forms only
 * (the importer upgrades older nodes first). Pure.
 */
final class ConstantFolding {
    /** Operators this class can evaluate. */
    static final Set<String> OPERATORS = Set.of(
            "Identity",
            "Cast",
            "Gather",
            "Unsqueeze",
            "Squeeze",
            "Concat",
            "Reshape",
            "Slice",
            "Transpose",
            "ConstantOfShape",
            "Add",
            "Sub",
            "Mul",
            "Div",
            "Neg",
            "Range",
            "Flatten");

    private ConstantFolding() {}

    /** The value of {@code Shape(x)} for a tensor of static shape {@code shape} (-1 for the batch). */
    static Folded shapeOf(NodeProto node, long[] shape) {
        int rank = shape.length;
        long start = Attributes.getInt(node, "start", 0);
        long end = Attributes.getInt(node, "end", rank);
        start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        end = Math.max(start, Math.min(rank, end < 0 ? end + rank : end));
        double[] v = new double[(int) (end - start)];
        for (int i = 0; i < v.length; i++) {
            long d = shape[(int) start + i];
            v[i] = d < 0 ? Folded.BATCH : d;
        }
        return Folded.ints(new long[] {v.length}, v);
    }

    /**
     * The outputs of {@code node} given its known inputs ({@code null} for an absent optional input), or null when
     * this class cannot evaluate it (an unknown operator, or arithmetic on the batch size).
     */
    static Folded evaluate(NodeProto node, List<Folded> in) {
        Folded x = in.isEmpty() ? null : in.get(0);
        return switch (node.getOpType()) {
            case "Identity" -> x;
            case "Cast" -> cast(x, (int) Attributes.getInt(node, "to", TensorProto.DataType.FLOAT.getNumber()));
            case "Gather" -> gather(x, in.get(1), Attributes.getInt(node, "axis", 0));
            case "Unsqueeze" -> reshaped(x, unsqueezed(x.shape(), in.get(1).longs()));
            case "Squeeze" ->
                reshaped(
                        x,
                        squeezed(
                                x.shape(),
                                in.size() > 1 && in.get(1) != null ? in.get(1).longs() : null));
            case "Flatten" -> {
                long axis = Attributes.getInt(node, "axis", 1);
                int a = (int) (axis < 0 ? axis + x.shape().length : axis);
                yield reshaped(x, new long[] {
                    ShapeInference.product(x.shape(), 0, a), ShapeInference.product(x.shape(), a, x.shape().length)
                });
            }
            case "Reshape" -> reshape(x, in.get(1));
            case "Concat" -> concat(in, Attributes.getInt(node, "axis", 0));
            case "Slice" -> slice(x, in);
            case "Transpose" -> transpose(x, Attributes.getInts(node, "perm", null));
            case "ConstantOfShape" -> constantOfShape(node, x);
            case "Add", "Sub", "Mul", "Div" -> arithmetic(node.getOpType(), x, in.get(1));
            case "Neg" -> x.hasBatch() ? null : map(x, v -> -v);
            case "Range" -> range(x, in.get(1), in.get(2));
            default -> null;
        };
    }

    private static Folded cast(Folded x, int to) {
        double[] v = x.values().clone();
        boolean integral = to != TensorProto.DataType.FLOAT.getNumber()
                && to != TensorProto.DataType.DOUBLE.getNumber()
                && to != TensorProto.DataType.FLOAT16.getNumber();
        if (integral
                && x.hasBatch()
                && to != TensorProto.DataType.INT64.getNumber()
                && to != TensorProto.DataType.INT32.getNumber()) {
            return null;
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] == Folded.BATCH) {
                continue;
            }
            if (to == TensorProto.DataType.BOOL.getNumber()) {
                v[i] = v[i] != 0 ? 1 : 0;
            } else if (integral) {
                v[i] = v[i] < 0 ? Math.ceil(v[i]) : Math.floor(v[i]);
            } else if (to == TensorProto.DataType.FLOAT.getNumber()) {
                v[i] = (float) v[i];
            }
        }
        return new Folded(to, x.shape(), v);
    }

    private static Folded reshaped(Folded x, long[] shape) {
        return new Folded(x.dataType(), shape, x.values());
    }

    private static long[] unsqueezed(long[] shape, long[] axes) {
        int rank = shape.length + axes.length;
        boolean[] added = new boolean[rank];
        for (long a : axes) {
            added[(int) (a < 0 ? a + rank : a)] = true;
        }
        long[] out = new long[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = added[i] ? 1 : shape[k++];
        }
        return out;
    }

    private static long[] squeezed(long[] shape, long[] axes) {
        boolean[] drop = new boolean[shape.length];
        int dropped = 0;
        for (int i = 0; i < shape.length; i++) {
            boolean listed = axes == null;
            if (axes != null) {
                for (long a : axes) {
                    listed |= (a < 0 ? a + shape.length : a) == i;
                }
            }
            if (listed && shape[i] == 1) {
                drop[i] = true;
                dropped++;
            }
        }
        long[] out = new long[shape.length - dropped];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!drop[i]) {
                out[k++] = shape[i];
            }
        }
        return out;
    }

    private static Folded reshape(Folded x, Folded target) {
        if (target.hasBatch()) {
            return null;
        }
        long[] t = target.longs();
        long[] out = new long[t.length];
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < t.length; i++) {
            out[i] = t[i] == 0 ? x.shape()[i] : t[i];
            if (out[i] == -1) {
                unknown = i;
            } else {
                known *= out[i];
            }
        }
        if (unknown >= 0) {
            out[unknown] = x.size() / Math.max(1, known);
        }
        return reshaped(x, out);
    }

    /** Row-major strides of a shape. */
    private static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    private static Folded gather(Folded x, Folded indices, long axis) {
        int rank = x.shape().length;
        int a = (int) (axis < 0 ? axis + rank : axis);
        long[] outShape = new long[rank - 1 + indices.shape().length];
        int k = 0;
        for (int i = 0; i < a; i++) {
            outShape[k++] = x.shape()[i];
        }
        for (long d : indices.shape()) {
            outShape[k++] = d;
        }
        for (int i = a + 1; i < rank; i++) {
            outShape[k++] = x.shape()[i];
        }
        long outer = ShapeInference.product(x.shape(), 0, a);
        long inner = ShapeInference.product(x.shape(), a + 1, rank);
        long dim = x.shape()[a];
        double[] out = new double[Folded.count(outShape)];
        int p = 0;
        for (long o = 0; o < outer; o++) {
            for (double idx : indices.values()) {
                long j = (long) idx < 0 ? (long) idx + dim : (long) idx;
                for (long i = 0; i < inner; i++) {
                    out[p++] = x.values()[(int) ((o * dim + j) * inner + i)];
                }
            }
        }
        return new Folded(x.dataType(), outShape, out);
    }

    private static Folded concat(List<Folded> in, long axis) {
        Folded first = in.get(0);
        int rank = first.shape().length;
        int a = (int) (axis < 0 ? axis + rank : axis);
        long[] outShape = first.shape().clone();
        outShape[a] = 0;
        for (Folded f : in) {
            outShape[a] += f.shape()[a];
        }
        long outer = ShapeInference.product(first.shape(), 0, a);
        double[] out = new double[Folded.count(outShape)];
        int p = 0;
        for (long o = 0; o < outer; o++) {
            for (Folded f : in) {
                int block = (int) ShapeInference.product(f.shape(), a, rank);
                System.arraycopy(f.values(), (int) (o * block), out, p, block);
                p += block;
            }
        }
        return new Folded(first.dataType(), outShape, out);
    }

    private static Folded slice(Folded x, List<Folded> in) {
        int rank = x.shape().length;
        long[] starts = in.get(1).longs();
        long[] ends = in.get(2).longs();
        long[] axes = in.size() > 3 && in.get(3) != null ? in.get(3).longs() : null;
        long[] steps = in.size() > 4 && in.get(4) != null ? in.get(4).longs() : null;
        long[] begin = new long[rank];
        long[] step = new long[rank];
        long[] count = x.shape().clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = (int) (axes == null ? k : axes[k] < 0 ? axes[k] + rank : axes[k]);
            long dim = x.shape()[a];
            long s = steps == null ? 1 : steps[k];
            long b = starts[k] < 0 ? starts[k] + dim : starts[k];
            long e = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (s > 0) {
                b = Math.max(0, Math.min(dim, b));
                e = Math.max(0, Math.min(dim, e));
                count[a] = Math.max(0, (e - b + s - 1) / s);
            } else {
                b = Math.max(-1, Math.min(dim - 1, b));
                e = Math.max(-1, Math.min(dim - 1, e));
                count[a] = Math.max(0, (b - e - s - 1) / -s);
            }
            begin[a] = b;
            step[a] = s;
        }
        long[] inStrides = strides(x.shape());
        double[] out = new double[Folded.count(count)];
        long[] index = new long[rank];
        for (int p = 0; p < out.length; p++) {
            long offset = 0;
            for (int i = 0; i < rank; i++) {
                offset += (begin[i] + index[i] * step[i]) * inStrides[i];
            }
            out[p] = x.values()[(int) offset];
            for (int i = rank - 1; i >= 0; i--) {
                if (++index[i] < count[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return new Folded(x.dataType(), count, out);
    }

    private static Folded transpose(Folded x, long[] perm) {
        int rank = x.shape().length;
        long[] p = perm;
        if (p == null) {
            p = new long[rank];
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
        }
        long[] outShape = new long[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = x.shape()[(int) p[i]];
        }
        long[] inStrides = strides(x.shape());
        double[] out = new double[x.size()];
        long[] index = new long[rank];
        for (int q = 0; q < out.length; q++) {
            long offset = 0;
            for (int i = 0; i < rank; i++) {
                offset += index[i] * inStrides[(int) p[i]];
            }
            out[q] = x.values()[(int) offset];
            for (int i = rank - 1; i >= 0; i--) {
                if (++index[i] < outShape[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return new Folded(x.dataType(), outShape, out);
    }

    private static Folded constantOfShape(NodeProto node, Folded shape) {
        if (shape.hasBatch()) {
            return null;
        }
        int type = TensorProto.DataType.FLOAT.getNumber();
        double value = 0;
        for (var a : node.getAttributeList()) {
            if (a.getName().equals("value")) {
                Folded v = Folded.of(a.getT());
                type = v.dataType();
                value = v.values().length > 0 ? v.values()[0] : 0;
            }
        }
        long[] dims = shape.longs();
        double[] out = new double[Folded.count(dims)];
        Arrays.fill(out, value);
        return new Folded(type, dims, out);
    }

    private static Folded arithmetic(String op, Folded a, Folded b) {
        if (a.hasBatch() || b.hasBatch()) {
            return null;
        }
        int rank = Math.max(a.shape().length, b.shape().length);
        long[] outShape = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = dim(a.shape(), i, rank);
            long db = dim(b.shape(), i, rank);
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            outShape[i] = Math.max(da, db);
        }
        boolean integral = !a.isFloat();
        double[] out = new double[Folded.count(outShape)];
        long[] index = new long[rank];
        for (int p = 0; p < out.length; p++) {
            double x = a.values()[broadcastOffset(a.shape(), index, rank)];
            double y = b.values()[broadcastOffset(b.shape(), index, rank)];
            out[p] = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                default -> integral ? (double) ((long) x / (long) y) : x / y;
            };
            for (int i = rank - 1; i >= 0; i--) {
                if (++index[i] < outShape[i]) {
                    break;
                }
                index[i] = 0;
            }
        }
        return new Folded(a.dataType(), outShape, out);
    }

    private static long dim(long[] shape, int i, int rank) {
        int k = i - (rank - shape.length);
        return k < 0 ? 1 : shape[k];
    }

    private static int broadcastOffset(long[] shape, long[] index, int rank) {
        long offset = 0;
        long stride = 1;
        for (int i = rank - 1; i >= rank - shape.length; i--) {
            long d = shape[i - (rank - shape.length)];
            offset += (d == 1 ? 0 : index[i]) * stride;
            stride *= d;
        }
        return (int) offset;
    }

    private static Folded map(Folded x, java.util.function.DoubleUnaryOperator f) {
        double[] v = x.values().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(v[i]);
        }
        return new Folded(x.dataType(), x.shape(), v);
    }

    private static Folded range(Folded start, Folded limit, Folded delta) {
        if (start.hasBatch() || limit.hasBatch() || delta.hasBatch()) {
            return null;
        }
        double s = start.values()[0];
        double l = limit.values()[0];
        double d = delta.values()[0];
        int n = (int) Math.max(0, Math.ceil((l - s) / d));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = s + i * d;
        }
        return new Folded(start.dataType(), new long[] {n}, out);
    }
}
