package org.mltoolkit.core.ensemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.ToolkitException;

/**
 * How members' graphs are joined (ONNX Runtime's agreement with {@code evaluate} is checked where real plugins are:
 * plugin-fc's EnsembleOnnxExportTest): names kept apart, one shared input, a flat member fed through Flatten from an
 * image input, the highest opset.
 */
class EnsembleOnnxTest {
    /** A member graph: {@code input} of the given dims times an initializer {@code w}, then LogSoftmax to log_probs. */
    private static byte[] member(long opset, long... inputDims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : inputDims) {
            shape.addDim(
                    d < 0
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        ValueInfoProto input = ValueInfoProto.newBuilder()
                .setName("input")
                .setType(TypeProto.newBuilder()
                        .setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape)))
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .addInput(input)
                .addInitializer(
                        TensorProto.newBuilder().setName("w").setDataType(1).addFloatData(2))
                .addNode(NodeProto.newBuilder()
                        .setOpType("Mul")
                        .setName("scale")
                        .addInput("input")
                        .addInput("w")
                        .addOutput("scaled"))
                .addNode(NodeProto.newBuilder()
                        .setOpType("LogSoftmax")
                        .addInput("scaled")
                        .addOutput("log_probs"))
                .addOutput(ValueInfoProto.newBuilder().setName("log_probs"))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(opset == 18 ? 8 : 7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    @Test
    void membersAreRenamedApartShareTheInputAndAFlatMemberReadsItThroughFlatten() {
        ModelProto joined = EnsembleOnnx.join(
                List.of("member-1", "member-2"), List.of(member(13, -1, 784), member(18, -1, 1, 28, 28)));
        GraphProto graph = joined.getGraph();
        assertEquals(1, graph.getInputCount());
        assertEquals("input", graph.getInput(0).getName());
        assertEquals(4, graph.getInput(0).getType().getTensorType().getShape().getDimCount());
        assertEquals(
                List.of("log_probs"),
                graph.getOutputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(18, joined.getOpsetImport(0).getVersion());
        assertEquals(8, joined.getIrVersion());

        Set<String> produced = new HashSet<>();
        List<String> initializers = new ArrayList<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        for (NodeProto node : graph.getNodeList()) {
            for (String output : node.getOutputList()) {
                assertTrue(produced.add(output), "produced twice: " + output);
            }
        }
        assertTrue(initializers.containsAll(List.of("m1_w", "m2_w")), initializers.toString());
        NodeProto flatten = graph.getNode(0);
        assertEquals("Flatten", flatten.getOpType());
        assertEquals(List.of("input"), flatten.getInputList());
        NodeProto firstScale = graph.getNodeList().stream()
                .filter(n -> n.getName().equals("m1_scale"))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(flatten.getOutput(0), "m1_w"), firstScale.getInputList());
        NodeProto secondScale = graph.getNodeList().stream()
                .filter(n -> n.getName().equals("m2_scale"))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of("input", "m2_w"), secondScale.getInputList());
        NodeProto max = graph.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Max"))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of("m1_log_probs", "m2_log_probs"), max.getInputList());
    }

    @Test
    void aMemberWithoutTheContractsNamesOrOfAnotherShapeIsNamed() {
        ToolkitException notOnnx = assertThrows(
                ToolkitException.class,
                () -> EnsembleOnnx.join(List.of("member-1", "member-2"), List.of(member(13, -1, 784), new byte[] {7})));
        assertTrue(notOnnx.getMessage().startsWith("member 'member-2' wrote"), notOnnx.getMessage());
        ToolkitException rank = assertThrows(
                ToolkitException.class,
                () -> EnsembleOnnx.join(
                        List.of("member-1", "member-2"), List.of(member(13, -1, 28, 28), member(18, -1, 1, 28, 28))));
        assertEquals(
                "member 'member-1' reads an input of rank 3, which cannot be made from the ensemble's input of rank 4",
                rank.getMessage());
    }
}
