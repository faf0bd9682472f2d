package org.mltoolkit.core.ensemble;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.OutputFiles;

/**
 * Joins the members' inference ONNX models into one model that computes what {@link Ensemble} computes: every
 * member's graph, its names prefixed with {@code m1_}, {@code m2_}, ... so that none collide, reads the one shared
 * {@code input}, and the output {@code log_probs} is the log of the mean of the members' probabilities, written in
 * the stable form {@code m + Log(Sum_i Exp(l_i - m) / k)} with {@code m = Max_i l_i}, as {@link Ensemble} computes it.
 *
 * <p>The members' ONNX bytes are what their plugins write ({@link org.mltoolkit.api.OnnxExportable}): input
 * {@code input}, output {@code log_probs}. Members of different input layouts share one input: the input of the
 * highest rank (a {@code [N, C, H, W]} image) is the model's, and a member that reads flat rows {@code [N, C*H*W]}
 * gets it through a {@code Flatten} node, which keeps the memory order. The model imports each operator domain at the
 * highest version any member imports (the plugins' operators in this toolkit keep their meaning from opset 13 on), and
 * its IR version is the members' highest.
 */
public final class EnsembleOnnx {
    /** The input every member reads, and the joined model's input. */
    public static final String INPUT = "input";
    /** Every member's output, and the joined model's output. */
    public static final String OUTPUT = "log_probs";

    private EnsembleOnnx() {}

    /**
     * Joins {@code members} (each one serialized ONNX {@code ModelProto}, in ensemble order) into one model. Mutates
     * nothing. Throws ToolkitException naming the member (by {@code names}, in the same order) whose bytes are not an
     * ONNX model, that lacks the input {@code input} or the output {@code log_probs}, or whose input cannot be made
     * from the shared one.
     */
    public static ModelProto join(List<String> names, List<byte[]> members) {
        if (members.isEmpty() || names.size() != members.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + members.size() + " members");
        }
        List<ModelProto> models = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            models.add(parse(names.get(i), members.get(i)));
        }
        ValueInfoProto shared = null;
        for (int i = 0; i < models.size(); i++) {
            ValueInfoProto input =
                    valueInfo(names.get(i), models.get(i).getGraph().getInputList(), INPUT, "input");
            valueInfo(names.get(i), models.get(i).getGraph().getOutputList(), OUTPUT, "output");
            if (shared == null || rank(input) > rank(shared)) {
                shared = input;
            }
        }

        GraphProto.Builder graph = GraphProto.newBuilder().setName("ensemble").addInput(shared);
        Map<String, Long> opsets = new TreeMap<>();
        long irVersion = 0;
        String flatInput = null;
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ModelProto model = models.get(i);
            GraphProto member = model.getGraph();
            int rank = rank(valueInfo(names.get(i), member.getInputList(), INPUT, "input"));
            String source = INPUT;
            if (rank != rank(shared)) {
                if (rank != 2) {
                    throw new ToolkitException("member '" + names.get(i) + "' reads an input of rank " + rank
                            + ", which cannot be made from the ensemble's input of rank " + rank(shared));
                }
                if (flatInput == null) {
                    flatInput = "ensemble_flat_input";
                    graph.addNode(node("Flatten", List.of(INPUT), flatInput)
                            .addAttribute(AttributeProto.newBuilder()
                                    .setName("axis")
                                    .setType(AttributeProto.AttributeType.INT)
                                    .setI(1)));
                }
                source = flatInput;
            }
            String prefix = "m" + (i + 1) + "_";
            String inputName = source;
            UnaryOperator<String> rename =
                    name -> name.isEmpty() ? name : name.equals(INPUT) ? inputName : prefix + name;
            GraphProto renamed = rename(member, rename);
            graph.addAllNode(renamed.getNodeList())
                    .addAllInitializer(renamed.getInitializerList())
                    .addAllSparseInitializer(renamed.getSparseInitializerList())
                    .addAllValueInfo(renamed.getValueInfoList());
            // Inputs other than the image (older files list their initializers as inputs too) stay inputs.
            renamed.getInputList().stream()
                    .filter(v -> !v.getName().equals(inputName))
                    .forEach(graph::addInput);
            outputs.add(prefix + OUTPUT);
            for (OperatorSetIdProto opset : model.getOpsetImportList()) {
                opsets.merge(opset.getDomain(), opset.getVersion(), Math::max);
            }
            irVersion = Math.max(irVersion, model.getIrVersion());
        }
        opsets.merge("", 13L, Math::max);

        // m + Log(Sum_i Exp(l_i - m) / k), m = Max_i l_i: the mean of the probabilities without underflow.
        graph.addNode(node("Max", outputs, "ensemble_max"));
        List<String> exps = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            String shifted = "ensemble_shifted_" + (i + 1);
            graph.addNode(node("Sub", List.of(outputs.get(i), "ensemble_max"), shifted));
            graph.addNode(node("Exp", List.of(shifted), "ensemble_exp_" + (i + 1)));
            exps.add("ensemble_exp_" + (i + 1));
        }
        graph.addInitializer(TensorProto.newBuilder()
                .setName("ensemble_count")
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addFloatData(outputs.size()));
        graph.addNode(node("Sum", exps, "ensemble_sum"));
        graph.addNode(node("Div", List.of("ensemble_sum", "ensemble_count"), "ensemble_mean"));
        graph.addNode(node("Log", List.of("ensemble_mean"), "ensemble_log_mean"));
        graph.addNode(node("Add", List.of("ensemble_log_mean", "ensemble_max"), OUTPUT));
        ValueInfoProto firstOutput =
                valueInfo(names.get(0), models.get(0).getGraph().getOutputList(), OUTPUT, "output");
        graph.addOutput(firstOutput);

        ModelProto.Builder joined = ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .setProducerName(OutputFiles.PRODUCER)
                .setDocString("ensemble of " + models.size() + " members: log of the mean of their probabilities")
                .setGraph(graph);
        opsets.forEach((domain, version) -> joined.addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        return joined.build();
    }

    private static ModelProto parse(String name, byte[] bytes) {
        try {
            ModelProto model = ModelProto.parseFrom(bytes);
            if (!model.hasGraph()) {
                throw new ToolkitException("member '" + name + "' wrote an ONNX model without a graph");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new ToolkitException(
                    "member '" + name + "' wrote bytes that are not an ONNX model: " + e.getMessage());
        }
    }

    /** The value named {@code wanted} among {@code values}; throws ToolkitException naming the member without it. */
    private static ValueInfoProto valueInfo(String member, List<ValueInfoProto> values, String wanted, String what) {
        return values.stream()
                .filter(v -> v.getName().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new ToolkitException("member '" + member + "' has no " + what + " named '" + wanted
                        + "' in its ONNX graph; its plugin's export does not follow the OnnxExportable contract"));
    }

    private static int rank(ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimCount();
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(output)
                .addAllInput(inputs)
                .addOutput(output);
    }

    /** {@code graph} with every node, value, initializer and subgraph name passed through {@code rename}. */
    private static GraphProto rename(GraphProto graph, UnaryOperator<String> rename) {
        GraphProto.Builder b = graph.toBuilder();
        b.clearNode();
        for (NodeProto node : graph.getNodeList()) {
            NodeProto.Builder n = node.toBuilder().clearInput().clearOutput().clearAttribute();
            node.getInputList().forEach(name -> n.addInput(rename.apply(name)));
            node.getOutputList().forEach(name -> n.addOutput(rename.apply(name)));
            if (!node.getName().isEmpty()) {
                n.setName(rename.apply(node.getName()));
            }
            for (AttributeProto a : node.getAttributeList()) {
                AttributeProto.Builder attribute = a.toBuilder();
                if (a.hasG()) {
                    attribute.setG(rename(a.getG(), rename));
                }
                attribute.clearGraphs();
                a.getGraphsList().forEach(g -> attribute.addGraphs(rename(g, rename)));
                n.addAttribute(attribute);
            }
            b.addNode(n);
        }
        b.clearInitializer();
        graph.getInitializerList().forEach(t -> b.addInitializer(t.toBuilder().setName(rename.apply(t.getName()))));
        b.clearSparseInitializer();
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            b.addSparseInitializer(s.toBuilder()
                    .setValues(s.getValues().toBuilder()
                            .setName(rename.apply(s.getValues().getName())))
                    .setIndices(s.getIndices().toBuilder()
                            .setName(rename.apply(s.getIndices().getName()))));
        }
        b.clearInput();
        graph.getInputList().forEach(v -> b.addInput(v.toBuilder().setName(rename.apply(v.getName()))));
        b.clearOutput();
        graph.getOutputList().forEach(v -> b.addOutput(v.toBuilder().setName(rename.apply(v.getName()))));
        b.clearValueInfo();
        graph.getValueInfoList().forEach(v -> b.addValueInfo(v.toBuilder().setName(rename.apply(v.getName()))));
        return b.build();
    }
}
