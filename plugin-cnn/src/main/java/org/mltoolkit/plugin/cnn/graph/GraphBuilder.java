package org.mltoolkit.plugin.cnn.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends ONNX nodes and constant initializers to growing lists, inventing unique tensor and node names.
 * The builder is mutable and not thread-safe; {@link #nodes()} and {@link #initializers()} return the live lists.
 */
public final class GraphBuilder {
    private final String prefix;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Map<String, String> constantCache = new HashMap<>();
    private int counter;

    /** @param prefix prepended to every invented name, so that names never clash with the user's. */
    public GraphBuilder(String prefix) {
        this.prefix = prefix;
    }

    /** A new unique tensor name. */
    public String fresh(String hint) {
        return prefix + hint + "_" + (counter++);
    }

    public List<NodeProto> nodes() {
        return nodes;
    }

    public List<TensorProto> initializers() {
        return initializers;
    }

    /** Appends an existing node unchanged. */
    public void add(NodeProto node) {
        nodes.add(node);
    }

    /** Appends a node with one output and returns the output's name. */
    public String op(String opType, List<String> inputs, AttributeProto... attributes) {
        return ops(opType, 1, inputs, attributes)[0];
    }

    /** Appends a node with {@code outputs} outputs and returns their names. */
    public String[] ops(String opType, int outputs, List<String> inputs, AttributeProto... attributes) {
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = fresh(opType.toLowerCase(java.util.Locale.ROOT));
        }
        node(opType, inputs, List.of(names), attributes);
        return names;
    }

    /** Appends a node with the given output names. */
    public void node(String opType, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        nodes.add(NodeProto.newBuilder()
                .setOpType(opType)
                .setName(prefix + opType + "_node_" + (counter++))
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .addAllAttribute(Arrays.asList(attributes))
                .build());
    }

    public String op(String opType, String a, AttributeProto... attributes) {
        return op(opType, List.of(a), attributes);
    }

    public String op(String opType, String a, String b, AttributeProto... attributes) {
        return op(opType, List.of(a, b), attributes);
    }

    /**
     * Appends nodes that sum {@code tensor} (or its squares, when {@code squares}) over {@code axes}, keeping them as
     * axes of size 1, one axis at a time from the last axis to the first, and returns the sum's name. ONNX Runtime
     * adds the elements of one reduction into a float one after another, so its rounding error grows with the count
     * summed: over a BatchNorm channel of a batch of 256 images of 28x28 (200,704 elements) a single ReduceSum is off
     * by up to about 1e-3 of the sum, while summing axis by axis keeps each run as short as one axis. Throws
     * IllegalArgumentException when {@code axes} is empty.
     */
    public String sumAxisByAxis(String tensor, long[] axes, boolean squares) {
        if (axes.length == 0) {
            throw new IllegalArgumentException("no axes to sum over");
        }
        long[] order = axes.clone();
        Arrays.sort(order);
        String sum = tensor;
        for (int i = order.length - 1; i >= 0; i--) {
            String op = squares && i == order.length - 1 ? "ReduceSumSquare" : "ReduceSum";
            sum = op(op, sum, ints(order[i]), attr("keepdims", 1L));
        }
        return sum;
    }

    /** A 1-D int64 constant (cached: equal values share one initializer). */
    public String ints(long... values) {
        String key = "i" + Arrays.toString(values);
        return constantCache.computeIfAbsent(key, k -> {
            String name = fresh("const");
            initializers.add(int64Tensor(name, values, new long[] {values.length}));
            return name;
        });
    }

    /** A scalar (rank 0) int64 constant. */
    public String intScalar(long value) {
        String key = "is" + value;
        return constantCache.computeIfAbsent(key, k -> {
            String name = fresh("const");
            initializers.add(int64Tensor(name, new long[] {value}, new long[0]));
            return name;
        });
    }

    /** A scalar (rank 0) float constant. */
    public String floatScalar(float value) {
        String key = "f" + Float.floatToIntBits(value);
        return constantCache.computeIfAbsent(key, k -> {
            String name = fresh("const");
            initializers.add(floatTensor(name, new float[] {value}, new long[0]));
            return name;
        });
    }

    /** A float constant of the given shape (not cached). */
    public String floats(float[] values, long... dims) {
        String name = fresh("const");
        initializers.add(floatTensor(name, values, dims));
        return name;
    }

    public static TensorProto floatTensor(String name, float[] values, long[] dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(toList(dims))
                .setRawData(ByteString.copyFrom(bytes.array()))
                .build();
    }

    public static TensorProto floatTensor(String name, java.nio.FloatBuffer values, long[] dims) {
        java.nio.FloatBuffer source = values.duplicate();
        source.rewind();
        ByteBuffer bytes = ByteBuffer.allocate(source.remaining() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(source);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(toList(dims))
                .setRawData(ByteString.copyFrom(bytes.array()))
                .build();
    }

    public static TensorProto int64Tensor(String name, long[] values, long[] dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .addAllDims(toList(dims))
                .setRawData(ByteString.copyFrom(bytes.array()))
                .build();
    }

    /**
     * Decodes a numeric tensor (float, double, int64, int32, int8, uint8 or bool; raw or typed storage) into doubles.
     * Throws IllegalArgumentException for other types and for data kept in an external file.
     */
    public static double[] values(TensorProto tensor) {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException("tensor '" + tensor.getName() + "' keeps its data in an external file");
        }
        int n = 1;
        for (long d : tensor.getDimsList()) {
            n = Math.multiplyExact(n, (int) d);
        }
        double[] out = new double[n];
        boolean raw = !tensor.getRawData().isEmpty();
        ByteBuffer bytes = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int type = tensor.getDataType();
        for (int i = 0; i < n; i++) {
            if (type == TensorProto.DataType.FLOAT.getNumber()) {
                out[i] = raw ? bytes.getFloat(i * Float.BYTES) : tensor.getFloatData(i);
            } else if (type == TensorProto.DataType.INT64.getNumber()) {
                out[i] = raw ? bytes.getLong(i * Long.BYTES) : tensor.getInt64Data(i);
            } else if (type == TensorProto.DataType.DOUBLE.getNumber()) {
                out[i] = raw ? bytes.getDouble(i * Double.BYTES) : tensor.getDoubleData(i);
            } else if (type == TensorProto.DataType.INT32.getNumber()) {
                out[i] = raw ? bytes.getInt(i * Integer.BYTES) : tensor.getInt32Data(i);
            } else if (type == TensorProto.DataType.INT8.getNumber()) {
                out[i] = raw ? bytes.get(i) : tensor.getInt32Data(i);
            } else if (type == TensorProto.DataType.UINT8.getNumber()
                    || type == TensorProto.DataType.BOOL.getNumber()) {
                out[i] = raw ? Byte.toUnsignedInt(bytes.get(i)) : tensor.getInt32Data(i);
            } else {
                throw new IllegalArgumentException("tensor '" + tensor.getName() + "' has data type "
                        + TensorProto.DataType.forNumber(type) + ", expected a number");
            }
        }
        return out;
    }

    private static List<Long> toList(long[] dims) {
        List<Long> list = new ArrayList<>(dims.length);
        for (long d : dims) {
            list.add(d);
        }
        return list;
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(value)
                .build();
    }

    public static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value))
                .build();
    }

    public static AttributeProto attrs(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    public static AttributeProto attr(String name, TensorProto value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(value)
                .build();
    }
}
