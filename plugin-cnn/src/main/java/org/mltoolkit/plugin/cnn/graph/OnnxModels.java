package org.mltoolkit.plugin.cnn.graph;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Wraps graphs into models and describes typed values. */
public final class OnnxModels {
    /** The operator set every graph of the toolkit is written against. */
    public static final long OPSET = 18;
    /** IR version matching {@link #OPSET}. */
    public static final long IR_VERSION = 8;

    private OnnxModels() {}

    /** A model around {@code graph}, importing the default ONNX domain at {@link #OPSET}. */
    public static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("mltoolkit")
                .addOpsetImport(OperatorSetIdProto.newBuilder()
                        .setDomain("")
                        .setVersion(OPSET)
                        .build())
                .setGraph(graph)
                .build();
    }

    /** A typed value with the given shape; a dimension of -1 becomes the symbolic dimension {@code N}. */
    public static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d < 0) {
                dim.setDimParam("N");
            } else {
                dim.setDimValue(d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(shape)))
                .build();
    }
}
