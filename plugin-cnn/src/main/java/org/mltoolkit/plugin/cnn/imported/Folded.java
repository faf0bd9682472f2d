package org.mltoolkit.plugin.cnn.imported;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Arrays;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.ShapeInference;

/**
 * A tensor whose value is known while a graph is imported: a constant, or a shape computed from static shapes.
 * Values are held as doubles (exact for the integers of shape arithmetic); {@link #BATCH} stands for the batch size,
 * which is known only at run time. Immutable.
 *
 * @param dataType the ONNX element type
 * @param shape    the dimensions
 * @param values   the elements, row-major
 */
record Folded(int dataType, long[] shape, double[] values) {
    /** The run-time batch size inside a folded shape. */
    static final double BATCH = -(double) (1L << 52);

    static Folded of(TensorProto t) {
        return new Folded(
                t.getDataType(),
                t.getDimsList().stream().mapToLong(Long::longValue).toArray(),
                GraphBuilder.values(t));
    }

    static Folded ints(long[] shape, double[] values) {
        return new Folded(TensorProto.DataType.INT64.getNumber(), shape, values);
    }

    int size() {
        return values.length;
    }

    boolean hasBatch() {
        return Arrays.stream(values).anyMatch(v -> v == BATCH);
    }

    boolean isFloat() {
        return dataType == TensorProto.DataType.FLOAT.getNumber()
                || dataType == TensorProto.DataType.DOUBLE.getNumber();
    }

    long[] longs() {
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    /** The tensor as an initializer: float types as float, everything else as int64 (bool as bool). */
    TensorProto toTensor(String name) {
        if (isFloat()) {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return GraphBuilder.floatTensor(name, f, shape);
        }
        if (dataType == TensorProto.DataType.BOOL.getNumber()) {
            TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(dataType);
            for (long d : shape) {
                b.addDims(d);
            }
            for (double v : values) {
                b.addInt32Data(v != 0 ? 1 : 0);
            }
            return b.build();
        }
        return GraphBuilder.int64Tensor(name, longs(), shape);
    }

    static int count(long[] shape) {
        return (int) ShapeInference.product(shape, 0, shape.length);
    }
}
