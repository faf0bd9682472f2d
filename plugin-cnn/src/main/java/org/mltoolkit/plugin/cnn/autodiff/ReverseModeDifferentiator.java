package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.OnnxModels;
import org.mltoolkit.plugin.cnn.graph.ShapeInference;

/**
 * Derives a training graph from a forward ONNX graph by reverse-mode differentiation. The forward nodes are
 * re-emitted in training mode by their {@link GradientRule}s, the NLL loss is appended, and the gradient nodes
 * are emitted in reverse topological order. Pure: the forward model is not mutated.
 */
public final class ReverseModeDifferentiator {
    private static final Map<String, GradientRule> RULES = new HashMap<>();

    static {
        RULES.put("Conv", new ConvRule());
        RULES.put("Relu", new ElementwiseRules.Relu());
        RULES.put("LeakyRelu", new ElementwiseRules.LeakyRelu());
        RULES.put("Add", new ElementwiseRules.Binary());
        RULES.put("Sub", new ElementwiseRules.Binary());
        RULES.put("Mul", new ElementwiseRules.Binary());
        RULES.put("Div", new ElementwiseRules.Binary());
        RULES.put("Sigmoid", new ElementwiseRules.Sigmoid());
        RULES.put("Tanh", new ElementwiseRules.Tanh());
        RULES.put("Softmax", new SoftmaxRules.Softmax());
        RULES.put("GlobalAveragePool", new PoolRules.GlobalAveragePool());
        RULES.put("Concat", new ShapeRules.Concat());
        RULES.put("Pad", new ShapeRules.Pad());
        RULES.put("Constant", new ShapeRules.Constant());
        RULES.put("Squeeze", new LinearRules.Reshape());
        RULES.put("Unsqueeze", new LinearRules.Reshape());
        RULES.put("Identity", new ElementwiseRules.Identity());
        RULES.put("Dropout", new ElementwiseRules.Dropout());
        RULES.put("Gemm", new LinearRules.Gemm());
        RULES.put("MatMul", new LinearRules.MatMul());
        RULES.put("Flatten", new LinearRules.Reshape());
        RULES.put("Reshape", new LinearRules.Reshape());
        RULES.put("BatchNormalization", new BatchNormRule());
        RULES.put("LogSoftmax", new SoftmaxRules.LogSoftmax());
        RULES.put("NegativeLogLikelihoodLoss", new SoftmaxRules.NegativeLogLikelihoodLoss());
        RULES.put("MaxPool", new PoolRules.MaxPool());
        RULES.put("AveragePool", new PoolRules.AveragePool());
        RULES.put("Transpose", new TransposeRule());
    }

    private ReverseModeDifferentiator() {}

    /** The operators that can be trained, sorted. */
    public static Set<String> supportedOperators() {
        return new TreeSet<>(RULES.keySet());
    }

    /**
     * Throws ToolkitException, in one line naming the operator and the node, for the first node whose operator has
     * no gradient rule.
     */
    public static void checkSupported(List<NodeProto> nodes) {
        for (NodeProto node : nodes) {
            if (!node.getDomain().isEmpty() || !RULES.containsKey(node.getOpType())) {
                throw new ToolkitException("unsupported operator "
                        + (node.getDomain().isEmpty() ? "" : node.getDomain() + ".") + node.getOpType() + " in node '"
                        + node.getName() + "': no gradient rule (supported: " + String.join(", ", supportedOperators())
                        + ")");
            }
        }
    }

    /**
     * Builds the training graph. Throws ToolkitException naming the operator and the node for an operator that
     * has no gradient rule, and naming the node for attribute values a rule does not support.
     */
    public static TrainingGraph differentiate(ModelProto forward, DifferentiationRequest request) {
        GraphProto graph = forward.getGraph();
        checkSupported(graph.getNodeList());
        Map<String, long[]> shapes = ShapeInference.infer(graph, request.inputShapes());
        Set<String> initializerNames = new HashSet<>();
        Map<String, TensorProto> constants = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            initializerNames.add(t.getName());
            if (!request.parameters().contains(t.getName())
                    && !request.buffers().contains(t.getName())) {
                constants.put(t.getName(), t);
            }
        }
        for (String p : request.parameters()) {
            if (!shapes.containsKey(p)) {
                throw new ToolkitException("parameter '" + p + "' is neither an initializer nor an input of the graph");
            }
        }

        GraphBuilder builder = new GraphBuilder("t/");
        Set<String> requiresGradient = new HashSet<>(request.parameters());
        List<NodeProto> differentiated = new ArrayList<>(graph.getNodeList());
        String lossOutput = null;
        String seedInput = null;
        if (request.labels() != null) {
            lossOutput = "loss";
            differentiated.add(NodeProto.newBuilder()
                    .setOpType("NegativeLogLikelihoodLoss")
                    .setName("t/loss")
                    .addInput(request.output())
                    .addInput(request.labels())
                    .addOutput(lossOutput)
                    .addAttribute(attr("reduction", "mean"))
                    .build());
            shapes.put(lossOutput, new long[0]);
        }
        DifferentiationContext context =
                new DifferentiationContext(builder, shapes, requiresGradient, request.gemmConvMaxPixels(), constants);
        for (NodeProto node : differentiated) {
            RULES.get(node.getOpType()).forward(node, context);
        }
        // The prediction output leaves the graph in ONNX's layout.
        String predictionOutput = request.output();
        if (context.isChannelsFirst(predictionOutput)) {
            predictionOutput = context.batchFirst(predictionOutput);
        }
        if (lossOutput != null) {
            context.accumulate(lossOutput, builder.floatScalar(1f));
        } else {
            seedInput = request.output() + "_grad";
            context.accumulate(predictionOutput, seedInput);
        }
        List<DifferentiationContext.TapeEntry> tape = context.tape();
        for (int i = tape.size() - 1; i >= 0; i--) {
            NodeProto node = tape.get(i).node();
            boolean anyInput = node.getInputList().stream().anyMatch(context::needsGradient);
            boolean anyOutputGradient = node.getOutputList().stream().anyMatch(o -> context.gradient(o) != null);
            if (anyInput && anyOutputGradient) {
                tape.get(i).rule().backward(node, context);
            }
        }

        GraphProto.Builder out = GraphProto.newBuilder().setName(graph.getName() + "_training");
        Map<String, String> gradientOutputs = new LinkedHashMap<>();
        for (String p : request.parameters()) {
            String gradient = context.gradient(p);
            if (gradient == null) {
                gradient = builder.op("ConstantOfShape", builder.ints(shapes.get(p)));
            }
            String name = p + "_grad";
            builder.node("Identity", List.of(gradient), List.of(name));
            gradientOutputs.put(p, name);
        }
        Map<String, String> bufferOutputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : context.bufferUpdates().entrySet()) {
            if (request.buffers().contains(e.getKey())) {
                String name = e.getKey() + "_new";
                builder.node("Identity", List.of(e.getValue()), List.of(name));
                bufferOutputs.put(e.getKey(), name);
            }
        }

        // Inputs: data inputs, labels or seed, then parameters and buffers fed from outside.
        for (ValueInfoProto in : graph.getInputList()) {
            if (!initializerNames.contains(in.getName())) {
                out.addInput(in);
            }
        }
        if (request.labels() != null) {
            out.addInput(OnnxModels.valueInfo(request.labels(), TensorProto.DataType.INT64, new long[] {-1}));
        } else {
            out.addInput(OnnxModels.valueInfo(seedInput, TensorProto.DataType.FLOAT, shapes.get(request.output())));
        }
        Set<String> fed = new HashSet<>();
        for (String p : request.parameters()) {
            if (initializerNames.contains(p) && fed.add(p)) {
                out.addInput(OnnxModels.valueInfo(p, TensorProto.DataType.FLOAT, shapes.get(p)));
            }
        }
        for (String b : request.buffers()) {
            if (initializerNames.contains(b) && fed.add(b)) {
                out.addInput(OnnxModels.valueInfo(b, TensorProto.DataType.FLOAT, shapes.get(b)));
            }
        }
        for (TensorProto t : graph.getInitializerList()) {
            if (!fed.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        out.addAllInitializer(builder.initializers());
        out.addAllNode(builder.nodes());

        if (lossOutput != null) {
            out.addOutput(OnnxModels.valueInfo(lossOutput, TensorProto.DataType.FLOAT, new long[0]));
        }
        out.addOutput(OnnxModels.valueInfo(predictionOutput, TensorProto.DataType.FLOAT, shapes.get(request.output())));
        for (Map.Entry<String, String> e : gradientOutputs.entrySet()) {
            out.addOutput(OnnxModels.valueInfo(e.getValue(), TensorProto.DataType.FLOAT, shapes.get(e.getKey())));
        }
        for (Map.Entry<String, String> e : bufferOutputs.entrySet()) {
            out.addOutput(OnnxModels.valueInfo(e.getValue(), TensorProto.DataType.FLOAT, shapes.get(e.getKey())));
        }
        ModelProto model = OnnxModels.model(out.build());
        return new TrainingGraph(model, lossOutput, predictionOutput, seedInput, gradientOutputs, bufferOutputs);
    }
}
