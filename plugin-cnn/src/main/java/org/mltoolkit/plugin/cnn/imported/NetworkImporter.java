package org.mltoolkit.plugin.cnn.imported;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.autodiff.ReverseModeDifferentiator;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.Constants;
import org.mltoolkit.plugin.cnn.graph.ForwardNetwork;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.OnnxModels;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;
import org.mltoolkit.plugin.cnn.graph.ShapeInference;

/**
 * Turns a classifier's ONNX file, as real exporters write it, into a {@link ForwardNetwork}:
 *
 * <ul>
 *   <li>initializers that an exporter merged behind Identity nodes (equal values) become separate tensors again, so
 *       that they train separately; initializers listed among the graph inputs (old files) are not data inputs;
 *   <li>the state is every float initializer in a trainable position (weights and biases of Conv, Gemm, MatMul,
 *       BatchNormalization, non-scalar operands of Add, Sub, Mul, Div and Concat) and the BatchNorm running
 *       statistics; other initializers and Constant nodes stay constants;
 *   <li>inference and export run the file's own graph (its opset, names and input contract) with the state baked
 *       in, BatchNormalization and Dropout in inference mode; predictions read log-probabilities from it (LogSoftmax
 *       in place of a final Softmax, or appended to logits);
 *   <li>training differentiates a normalised copy at the toolkit's opset: nodes upgraded from older opsets (Pad's
 *       pads, Dropout's ratio, Squeeze/Unsqueeze axes, Slice as attributes, Softmax's flattening semantics before
 *       opset 13, BatchNormalization's extra outputs), shape computations folded into constants (Reshape targets
 *       built with Shape/Gather/Concat, pads built with ConstantOfShape/Slice/Transpose).
 * </ul>
 *
 * Pure: the file's model is not mutated.
 */
public final class NetworkImporter {
    /** The oldest opset whose operators this importer knows how to read. */
    public static final long OLDEST_OPSET = 7;

    private static final String PREFIX = "import/";

    private NetworkImporter() {}

    /**
     * What to import and how.
     *
     * @param label        how errors name the file
     * @param exampleShape the dataset's example shape
     * @param numClasses   the dataset's number of classes
     * @param seed         seed of a random initialisation
     * @param randomInit   re-initialise every parameter the way PyTorch initialises its kind of layer
     * @param frozen       parameter names (a trailing {@code *} matches a prefix) kept constant in training
     */
    public record Request(
            String label,
            ExampleShape exampleShape,
            int numClasses,
            long seed,
            boolean randomInit,
            List<String> frozen) {}

    /**
     * An imported network.
     *
     * @param network    the graphs and state
     * @param outputKind what the file's output holds
     * @param structure  the file with the state's values left out: enough, with a state dict, to import it again
     */
    public record Imported(ForwardNetwork network, OutputKind outputKind, byte[] structure) {}

    /** Parses an ONNX file's bytes. Throws ToolkitException naming {@code label} when they are not an ONNX model. */
    public static ModelProto parse(byte[] bytes, String label) {
        try {
            ModelProto model = ModelProto.parseFrom(bytes);
            if (!model.hasGraph() || model.getGraph().getOutputCount() == 0) {
                throw new ToolkitException(label + " is not an ONNX model (no graph with outputs)");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new ToolkitException(label + " is not an ONNX model: " + e.getMessage(), e);
        }
    }

    /**
     * Imports {@code file}. Throws ToolkitException, in one line naming the file, when the network cannot serve as a
     * classifier of the request's data: several data inputs or outputs, an input shape other than the examples', a
     * number of classes other than the dataset's, an opset older than {@link #OLDEST_OPSET}, external data. A network
     * that can run but not be trained imports with {@link ForwardNetwork#trainingUnavailable()} saying why.
     */
    public static Imported load(ModelProto file, Request request) {
        String label = request.label();
        GraphProto graph = file.getGraph();
        long opset = opset(file, label);

        Map<String, TensorProto> initializers = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                throw new ToolkitException(label + ": initializer '" + t.getName()
                        + "' keeps its data in an external file; save the network with its weights inside the file");
            }
            initializers.put(t.getName(), isStripped(t) ? zeros(t) : t);
        }
        Set<String> graphOutputs = new HashSet<>();
        graph.getOutputList().forEach(o -> graphOutputs.add(o.getName()));
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Identity")
                    && node.getDomain().isEmpty()
                    && initializers.containsKey(node.getInput(0))
                    && isFloat(initializers.get(node.getInput(0)))
                    && !graphOutputs.contains(node.getOutput(0))) {
                // an exporter's merged copy of equal initializers: a tensor of its own again
                initializers.put(
                        node.getOutput(0),
                        initializers.get(node.getInput(0)).toBuilder()
                                .setName(node.getOutput(0))
                                .build());
            } else {
                nodes.add(node);
            }
        }

        List<ValueInfoProto> dataInputs = graph.getInputList().stream()
                .filter(i -> !initializers.containsKey(i.getName()))
                .toList();
        if (dataInputs.size() != 1) {
            throw new ToolkitException(label + " has " + dataInputs.size() + " data inputs ("
                    + String.join(
                            ", ",
                            dataInputs.stream().map(ValueInfoProto::getName).toList())
                    + "); a classifier takes one");
        }
        if (graph.getOutputCount() != 1) {
            throw new ToolkitException(label + " has " + graph.getOutputCount() + " outputs ("
                    + String.join(
                            ", ",
                            graph.getOutputList().stream()
                                    .map(ValueInfoProto::getName)
                                    .toList())
                    + "); a classifier has one");
        }
        ValueInfoProto input = dataInputs.get(0);
        long[] inputShape = inputShape(input, request);
        String output = graph.getOutput(0).getName();

        Map<String, NodeProto> producers = new HashMap<>();
        nodes.forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        NodeProto head = producers.get(output);
        while (head != null && head.getOpType().equals("Identity")) {
            head = producers.get(head.getInput(0));
        }
        OutputKind kind = head == null
                ? OutputKind.LOGITS
                : switch (head.getOpType()) {
                    case "LogSoftmax" -> OutputKind.LOG_PROBABILITIES;
                    case "Softmax" -> OutputKind.PROBABILITIES;
                    default -> OutputKind.LOGITS;
                };

        StateRoles roles = StateRoles.classify(nodes, initializers, request.frozen());
        Map<String, float[]> initial = new HashMap<>();
        List<ParameterSpec> state = new ArrayList<>();
        for (TensorProto t : initializers.values()) {
            StateRoles.Role role = roles.role(t.getName());
            if (role != null) {
                long[] dims = dims(t);
                state.add(new ParameterSpec(t.getName(), dims, role == StateRoles.Role.PARAMETER));
                initial.put(t.getName(), floats(t));
            }
        }
        List<String> keptFromFile = List.of();
        if (request.randomInit()) {
            keptFromFile = PyTorchInitialization.apply(nodes, state, initial, request.seed());
        }

        String logProbs = kind == OutputKind.LOGITS ? PREFIX + output + "/log_softmax" : output;
        GraphProto.Builder common = graph.toBuilder()
                .clearNode()
                .addAllNode(toInferenceMode(nodes, graphOutputs))
                .clearInitializer()
                .addAllInitializer(initializers.values())
                .clearInput();
        for (ValueInfoProto in : graph.getInputList()) {
            common.addInput(in.getName().equals(input.getName()) ? withSymbolicBatch(in) : in);
        }
        common.clearOutput();
        for (ValueInfoProto out : graph.getOutputList()) {
            common.addOutput(withSymbolicBatch(out));
        }
        GraphProto exportGraph = common.build();
        GraphProto inferenceGraph = withLogProbabilities(exportGraph, kind, head, output, logProbs);
        ModelProto export = file.toBuilder().setGraph(exportGraph).build();
        ModelProto inference = file.toBuilder().setGraph(inferenceGraph).build();

        ModelProto training = null;
        String unavailable = null;
        long[] outputShape = declaredShape(graph.getOutput(0));
        try {
            TrainingForward forward = new TrainingForward(opset, initializers, roles, input.getName(), inputShape);
            training = forward.build(nodes, kind, output, logProbs);
            long[] inferred = forward.shape(logProbs);
            if (inferred != null) {
                outputShape = inferred;
            }
        } catch (ToolkitException | IllegalArgumentException e) {
            unavailable = label + " cannot be trained: " + e.getMessage();
        }
        checkClasses(label, output, outputShape, request.numClasses());

        Map<String, String> description = new LinkedHashMap<>();
        description.put("file", label);
        description.put(
                "format",
                "opset " + opset
                        + (file.getProducerName().isEmpty()
                                ? ""
                                : ", written by " + (file.getProducerName() + " " + file.getProducerVersion()).trim()));
        description.put("input", "'" + input.getName() + "' " + shapeText(inputShape));
        description.put(
                "output", "'" + output + "' " + kind.label() + " (" + kind.reason() + "; " + kind.training() + ")");
        description.put("classes", Integer.toString(request.numClasses()));
        long trainable = state.stream()
                .filter(ParameterSpec::trainable)
                .mapToLong(ParameterSpec::size)
                .sum();
        description.put(
                "parameters",
                String.format(
                        Locale.ROOT,
                        "%,d in %d tensors",
                        trainable,
                        state.stream().filter(ParameterSpec::trainable).count()));
        description.put(
                "init",
                request.randomInit()
                        ? "random from seed " + request.seed() + ", as PyTorch initialises each kind of layer"
                                + (keptFromFile.isEmpty()
                                        ? ""
                                        : " (kept from the file: " + String.join(", ", keptFromFile) + ")")
                        : "the file's weights");
        if (!roles.frozen().isEmpty()) {
            description.put("frozen", String.join(", ", roles.frozen()));
        }
        description.put("training", unavailable == null ? "supported" : unavailable);

        ForwardNetwork network = new ForwardNetwork(
                training,
                unavailable,
                inference,
                export,
                input.getName(),
                inputShape,
                logProbs,
                state,
                initial,
                description);
        return new Imported(network, kind, structure(file, state));
    }

    private static long opset(ModelProto file, String label) {
        long opset = -1;
        for (OperatorSetIdProto o : file.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < 0) {
            throw new ToolkitException(label + " imports no version of the standard ONNX operators");
        }
        if (opset < OLDEST_OPSET) {
            throw new ToolkitException(label + " uses opset " + opset + "; the oldest this toolkit reads is "
                    + OLDEST_OPSET + " (convert it with onnx.version_converter)");
        }
        return opset;
    }

    /** The input's shape with -1 for the batch, checked against the dataset's examples. */
    private static long[] inputShape(ValueInfoProto input, Request request) {
        ExampleShape ex = request.exampleShape();
        long[] declared = declaredShape(input);
        long[] image = {-1, ex.channels(), ex.height(), ex.width()};
        if (declared == null) {
            return image;
        }
        long[] shape = declared.clone();
        shape[0] = -1;
        boolean fits;
        if (shape.length == 4) {
            fits = true;
            for (int i = 1; i < 4; i++) {
                if (shape[i] < 0) {
                    shape[i] = image[i];
                }
                fits &= shape[i] == image[i];
            }
        } else if (shape.length == 2) {
            if (shape[1] < 0) {
                shape[1] = ex.size();
            }
            fits = shape[1] == ex.size();
        } else {
            fits = false;
        }
        if (!fits) {
            throw new ToolkitException(request.label() + " takes input '" + input.getName() + "' of shape "
                    + shapeText(batchFirst(declared)) + ", but the dataset's examples have shape " + shapeText(image)
                    + " (or " + shapeText(new long[] {-1, ex.size()}) + " flattened)");
        }
        return shape;
    }

    private static long[] batchFirst(long[] shape) {
        long[] s = shape.clone();
        if (s.length > 0) {
            s[0] = -1;
        }
        return s;
    }

    /** The declared dimensions, -1 where symbolic or missing; null when the shape itself is missing. */
    static long[] declaredShape(ValueInfoProto value) {
        if (!value.getType().hasTensorType() || !value.getType().getTensorType().hasShape()) {
            return null;
        }
        return value.getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1)
                .toArray();
    }

    private static void checkClasses(String label, String output, long[] shape, int numClasses) {
        if (shape == null) {
            throw new ToolkitException(label + ": the output '" + output + "' declares no shape, so its number of"
                    + " classes cannot be checked; re-export it with the output's shape");
        }
        if (shape.length != 2) {
            throw new ToolkitException(label + ": the output '" + output + "' has shape " + shapeText(shape)
                    + "; a classifier's output is [N, classes]");
        }
        if (shape[1] >= 0 && shape[1] != numClasses) {
            throw new ToolkitException(label + " classifies into " + shape[1] + " classes (output '" + output + "' "
                    + shapeText(shape) + "), but the dataset has " + numClasses);
        }
    }

    /** [N, 1, 28, 28]: N for the batch and unknown dimensions. */
    public static String shapeText(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? (i == 0 ? "N" : "?") : Long.toString(shape[i]));
        }
        return b.append(']').toString();
    }

    private static ValueInfoProto withSymbolicBatch(ValueInfoProto in) {
        if (!in.getType().hasTensorType()
                || !in.getType().getTensorType().hasShape()
                || in.getType().getTensorType().getShape().getDimCount() == 0) {
            return in;
        }
        ValueInfoProto.Builder b = in.toBuilder();
        TensorShapeProto.Dimension.Builder dim =
                b.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0);
        if (dim.hasDimValue()) {
            dim.clearDimValue().setDimParam("N");
        }
        return b.build();
    }

    /** BatchNormalization and Dropout nodes in inference mode; extra training outputs dropped when unused. */
    private static List<NodeProto> toInferenceMode(List<NodeProto> nodes, Set<String> graphOutputs) {
        Set<String> used = new HashSet<>(graphOutputs);
        nodes.forEach(n -> used.addAll(n.getInputList()));
        List<NodeProto> out = new ArrayList<>();
        for (NodeProto node : nodes) {
            if (!node.getDomain().isEmpty()) {
                out.add(node);
                continue;
            }
            switch (node.getOpType()) {
                case "BatchNormalization" -> {
                    NodeProto.Builder b = node.toBuilder();
                    removeAttribute(b, "training_mode");
                    boolean extrasUsed = node.getOutputList().stream().skip(1).anyMatch(used::contains);
                    if (!extrasUsed && node.getOutputCount() > 1) {
                        b.clearOutput().addOutput(node.getOutput(0));
                    }
                    out.add(b.build());
                }
                case "Dropout" -> {
                    if (node.getInputCount() > 2) {
                        NodeProto.Builder b = node.toBuilder().clearInput();
                        b.addInput(node.getInput(0)).addInput(node.getInput(1));
                        out.add(b.build());
                    } else {
                        out.add(node);
                    }
                }
                default -> out.add(node);
            }
        }
        return out;
    }

    private static void removeAttribute(NodeProto.Builder b, String name) {
        for (int i = b.getAttributeCount() - 1; i >= 0; i--) {
            if (b.getAttribute(i).getName().equals(name)) {
                b.removeAttribute(i);
            }
        }
    }

    /** The graph with log-probabilities as its output: a final Softmax becomes LogSoftmax, logits get one. */
    private static GraphProto withLogProbabilities(
            GraphProto graph, OutputKind kind, NodeProto head, String output, String logProbs) {
        switch (kind) {
            case LOG_PROBABILITIES -> {
                return graph;
            }
            case PROBABILITIES -> {
                GraphProto.Builder b = graph.toBuilder().clearNode();
                for (NodeProto n : graph.getNodeList()) {
                    b.addNode(
                            n.getName().equals(head.getName())
                                            && n.getOutputList().equals(head.getOutputList())
                                    ? n.toBuilder().setOpType("LogSoftmax").build()
                                    : n);
                }
                return b.build();
            }
            default -> {
                ValueInfoProto declared = graph.getOutput(0);
                return graph.toBuilder()
                        .addNode(NodeProto.newBuilder()
                                .setOpType("LogSoftmax")
                                .setName(PREFIX + "log_softmax")
                                .addInput(output)
                                .addOutput(logProbs)
                                .addAttribute(GraphBuilder.attr("axis", 1L)))
                        .clearOutput()
                        .addOutput(declared.toBuilder().setName(logProbs))
                        .build();
            }
        }
    }

    /** The file with the state's data left out (dimensions kept): the structure a checkpoint carries. */
    private static byte[] structure(ModelProto file, List<ParameterSpec> state) {
        Set<String> names = new HashSet<>();
        state.forEach(p -> names.add(p.name()));
        GraphProto.Builder g = file.getGraph().toBuilder().clearInitializer();
        for (TensorProto t : file.getGraph().getInitializerList()) {
            g.addInitializer(
                    names.contains(t.getName())
                            ? t.toBuilder().clearRawData().clearFloatData().build()
                            : t);
        }
        return file.toBuilder().setGraph(g).build().toByteArray();
    }

    private static boolean isStripped(TensorProto t) {
        return isFloat(t)
                && t.getRawData().isEmpty()
                && t.getFloatDataCount() == 0
                && ShapeInference.product(dims(t), 0, t.getDimsCount()) > 0;
    }

    private static TensorProto zeros(TensorProto t) {
        long[] dims = dims(t);
        return GraphBuilder.floatTensor(
                t.getName(), new float[(int) ShapeInference.product(dims, 0, dims.length)], dims);
    }

    static boolean isFloat(TensorProto t) {
        return t.getDataType() == TensorProto.DataType.FLOAT.getNumber();
    }

    static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    static float[] floats(TensorProto t) {
        double[] values = GraphBuilder.values(t);
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /**
     * The normalised forward graph at the toolkit's opset: older operator forms upgraded, shape computations folded,
     * BatchNormalization and Dropout in their canonical forms, log-probabilities as the output, dead nodes removed.
     */
    private static final class TrainingForward {
        private final long opset;
        private final Map<String, TensorProto> fileTensors;
        private final Set<String> stateNames = new HashSet<>();
        private final Map<String, Folded> known = new HashMap<>();
        private final Map<String, long[]> shapes = new HashMap<>();
        private final Map<String, TensorProto> constants = new HashMap<>();
        private final Map<String, TensorProto> emitted = new LinkedHashMap<>();
        private final List<NodeProto> kept = new ArrayList<>();
        private final String input;
        private final long[] inputShape;
        private int counter;

        TrainingForward(
                long opset, Map<String, TensorProto> initializers, StateRoles roles, String input, long[] inputShape) {
            this.opset = opset;
            this.fileTensors = initializers;
            this.input = input;
            this.inputShape = inputShape;
            shapes.put(input, inputShape);
            for (TensorProto t : initializers.values()) {
                shapes.put(t.getName(), dims(t));
                if (roles.role(t.getName()) != null) {
                    stateNames.add(t.getName());
                    emitted.put(t.getName(), t);
                } else {
                    known.put(t.getName(), Folded.of(t));
                }
            }
        }

        long[] shape(String tensor) {
            return shapes.get(tensor);
        }

        ModelProto build(List<NodeProto> nodes, OutputKind kind, String output, String logProbs) {
            for (NodeProto node : nodes) {
                if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                    throw new ToolkitException("unsupported operator " + node.getDomain() + "." + node.getOpType()
                            + " in node '" + node.getName() + "': no gradient rule");
                }
                for (NodeProto upgraded : upgrade(node)) {
                    process(upgraded);
                }
            }
            if (known.containsKey(output) || !shapes.containsKey(output) && producer(output) == null) {
                throw new ToolkitException("the output '" + output + "' does not depend on the input");
            }
            applyHead(kind, output, logProbs);
            List<NodeProto> live = liveNodes(logProbs);
            ReverseModeDifferentiator.checkSupported(live);
            Set<String> used = new HashSet<>();
            live.forEach(n -> used.addAll(n.getInputList()));
            GraphProto.Builder g = GraphProto.newBuilder()
                    .setName("imported")
                    .addInput(OnnxModels.valueInfo(input, TensorProto.DataType.FLOAT, inputShape))
                    .addAllNode(live);
            for (TensorProto t : emitted.values()) {
                if (stateNames.contains(t.getName()) || used.contains(t.getName())) {
                    g.addInitializer(t);
                }
            }
            long[] out = shapes.get(logProbs);
            g.addOutput(OnnxModels.valueInfo(
                    logProbs, TensorProto.DataType.FLOAT, out != null ? out : new long[] {-1, -1}));
            return OnnxModels.model(g.build());
        }

        private NodeProto producer(String tensor) {
            for (NodeProto n : kept) {
                if (n.getOutputList().contains(tensor)) {
                    return n;
                }
            }
            return null;
        }

        private void applyHead(OutputKind kind, String output, String logProbs) {
            if (kind == OutputKind.PROBABILITIES) {
                String t = output;
                NodeProto p = producer(t);
                while (p != null && p.getOpType().equals("Identity")) {
                    t = p.getInput(0);
                    p = producer(t);
                }
                if (p == null || !p.getOpType().equals("Softmax")) {
                    throw new IllegalStateException("the final Softmax of '" + output + "' was lost");
                }
                kept.set(kept.indexOf(p), p.toBuilder().setOpType("LogSoftmax").build());
            } else if (kind == OutputKind.LOGITS) {
                NodeProto node = NodeProto.newBuilder()
                        .setOpType("LogSoftmax")
                        .setName(PREFIX + "log_softmax")
                        .addInput(output)
                        .addOutput(logProbs)
                        .addAttribute(GraphBuilder.attr("axis", 1L))
                        .build();
                kept.add(node);
                ShapeInference.inferNode(node, shapes, constants);
            }
        }

        private List<NodeProto> liveNodes(String output) {
            Set<String> needed = new HashSet<>(Set.of(output));
            List<NodeProto> live = new ArrayList<>();
            for (int i = kept.size() - 1; i >= 0; i--) {
                NodeProto n = kept.get(i);
                if (n.getOutputList().stream().anyMatch(needed::contains)) {
                    live.add(0, n);
                    needed.addAll(n.getInputList());
                }
            }
            return live;
        }

        private String fresh(String hint) {
            return PREFIX + hint + "_" + counter++;
        }

        private String intConstant(long... values) {
            String name = fresh("const");
            known.put(
                    name,
                    Folded.ints(
                            new long[] {values.length},
                            Arrays.stream(values).asDoubleStream().toArray()));
            shapes.put(name, new long[] {values.length});
            return name;
        }

        private String floatScalar(float value) {
            String name = fresh("const");
            known.put(name, new Folded(TensorProto.DataType.FLOAT.getNumber(), new long[0], new double[] {value}));
            shapes.put(name, new long[0]);
            return name;
        }

        /** The node in its opset-18 form (several nodes for Softmax before opset 13 on higher ranks). */
        private List<NodeProto> upgrade(NodeProto node) {
            NodeProto.Builder b = node.toBuilder();
            switch (node.getOpType()) {
                case "Unsqueeze", "Squeeze" -> {
                    long[] axes = Attributes.getInts(node, "axes", null);
                    if (opset < 13 && axes != null) {
                        removeAttribute(b, "axes");
                        b.addInput(intConstant(axes));
                    }
                }
                case "Slice" -> {
                    if (opset < 10) {
                        long[] starts = Attributes.getInts(node, "starts", new long[0]);
                        long[] ends = Attributes.getInts(node, "ends", new long[0]);
                        long[] axes = Attributes.getInts(node, "axes", null);
                        b.clearAttribute().addInput(intConstant(starts)).addInput(intConstant(ends));
                        if (axes != null) {
                            b.addInput(intConstant(axes));
                        }
                    }
                }
                case "Reshape" -> {
                    long[] shape = Attributes.getInts(node, "shape", null);
                    if (shape != null) {
                        b.clearAttribute().addInput(intConstant(shape));
                    }
                }
                case "Pad" -> {
                    if (opset < 11) {
                        long[] pads = Attributes.getInts(node, "pads", Attributes.getInts(node, "paddings", null));
                        float value = Attributes.getFloat(node, "value", 0f);
                        String mode = Attributes.getString(node, "mode", "constant");
                        b.clearAttribute()
                                .addAttribute(GraphBuilder.attr("mode", mode))
                                .addInput(intConstant(pads));
                        if (value != 0f) {
                            b.addInput(floatScalar(value));
                        }
                    }
                }
                case "Dropout" -> {
                    if (opset < 12) {
                        float ratio = Attributes.getFloat(node, "ratio", 0.5f);
                        b.clearAttribute().addInput(floatScalar(ratio));
                    }
                }
                case "BatchNormalization" -> {
                    if (Attributes.getInt(node, "spatial", 1) != 1) {
                        throw new ToolkitException(
                                Attributes.describe(node) + ": BatchNormalization with spatial=0 cannot be trained");
                    }
                    removeAttribute(b, "spatial");
                    removeAttribute(b, "is_test");
                    removeAttribute(b, "consumed_inputs");
                }
                case "Softmax", "LogSoftmax" -> {
                    if (opset < 13) {
                        return flatteningSoftmax(node);
                    }
                }
                default -> {
                    // the same form at opset 18
                }
            }
            return List.of(b.build());
        }

        /**
         * Before opset 13, (Log)Softmax flattened its input to 2-D at {@code axis} (default 1) and normalised over
         * everything after it; from opset 13 it normalises along one axis. Equal when the axis is the last one.
         */
        private List<NodeProto> flatteningSoftmax(NodeProto node) {
            long[] x = shapes.get(node.getInput(0));
            if (x == null) {
                throw new ToolkitException("the input shape of " + Attributes.describe(node) + " is unknown");
            }
            long axis = Attributes.getInt(node, "axis", 1);
            int a = (int) (axis < 0 ? axis + x.length : axis);
            NodeProto.Builder b = node.toBuilder();
            removeAttribute(b, "axis");
            if (a == x.length - 1) {
                return List.of(
                        b.addAttribute(GraphBuilder.attr("axis", (long) a)).build());
            }
            String flat = fresh("softmax_flat");
            String normalised = fresh("softmax_2d");
            NodeProto flatten = NodeProto.newBuilder()
                    .setOpType("Flatten")
                    .setName(fresh("flatten"))
                    .addInput(node.getInput(0))
                    .addOutput(flat)
                    .addAttribute(GraphBuilder.attr("axis", (long) a))
                    .build();
            NodeProto softmax = b.clearInput()
                    .addInput(flat)
                    .clearOutput()
                    .addOutput(normalised)
                    .addAttribute(GraphBuilder.attr("axis", 1L))
                    .build();
            long[] target = x.clone();
            NodeProto reshape = NodeProto.newBuilder()
                    .setOpType("Reshape")
                    .setName(fresh("reshape"))
                    .addInput(normalised)
                    .addInput(intConstant(target))
                    .addOutput(node.getOutput(0))
                    .build();
            return List.of(flatten, softmax, reshape);
        }

        private void process(NodeProto node) {
            String op = node.getOpType();
            if (op.equals("Constant")) {
                TensorProto value = Constants.value(node);
                known.put(node.getOutput(0), Folded.of(value));
                shapes.put(node.getOutput(0), dims(value));
                return;
            }
            if ((op.equals("Shape") || op.equals("Size")) && shapes.containsKey(node.getInput(0))) {
                long[] s = shapes.get(node.getInput(0));
                Folded value = op.equals("Shape")
                        ? ConstantFolding.shapeOf(node, s)
                        : ShapeInference.product(s, 0, s.length) < 0
                                ? null
                                : Folded.ints(new long[0], new double[] {ShapeInference.product(s, 0, s.length)});
                if (value != null) {
                    known.put(node.getOutput(0), value);
                    shapes.put(node.getOutput(0), value.shape());
                    return;
                }
            }
            if (ConstantFolding.OPERATORS.contains(op) && node.getOutputCount() == 1) {
                List<Folded> inputs = new ArrayList<>();
                boolean all = true;
                for (String in : node.getInputList()) {
                    if (in.isEmpty()) {
                        inputs.add(null);
                    } else if (known.containsKey(in)) {
                        inputs.add(known.get(in));
                    } else {
                        all = false;
                    }
                }
                if (all && !inputs.isEmpty()) {
                    Folded value = ConstantFolding.evaluate(node, inputs);
                    if (value != null) {
                        known.put(node.getOutput(0), value);
                        shapes.put(node.getOutput(0), value.shape());
                        return;
                    }
                }
            }
            NodeProto canonical = canonical(materialize(node));
            kept.add(canonical);
            ShapeInference.inferNode(canonical, shapes, constants);
        }

        /** Known values a kept node reads become initializers; a batch size in a Reshape target becomes 0 or -1. */
        private NodeProto materialize(NodeProto node) {
            NodeProto.Builder b = null;
            for (int i = 0; i < node.getInputCount(); i++) {
                String in = node.getInput(i);
                Folded value = in.isEmpty() ? null : known.get(in);
                if (value == null) {
                    continue;
                }
                String name = in;
                if (value.hasBatch()) {
                    if (!(node.getOpType().equals("Reshape") && i == 1)) {
                        throw new ToolkitException(Attributes.describe(node)
                                + " reads the batch size at run time, which training cannot fold");
                    }
                    value = resolvedTarget(node, value);
                    name = fresh("reshape_target");
                    if (b == null) {
                        b = node.toBuilder();
                    }
                    b.setInput(i, name);
                }
                if (!emitted.containsKey(name)) {
                    TensorProto t = fileTensors.containsKey(name) ? fileTensors.get(name) : value.toTensor(name);
                    emitted.put(name, t);
                    constants.put(name, t);
                    shapes.put(name, value.shape());
                }
            }
            return b == null ? node : b.build();
        }

        private Folded resolvedTarget(NodeProto node, Folded target) {
            long[] x = shapes.get(node.getInput(0));
            double[] v = target.values().clone();
            int batches = 0;
            boolean minusOne = Arrays.stream(v).anyMatch(d -> d == -1);
            for (int i = 0; i < v.length; i++) {
                if (v[i] == Folded.BATCH) {
                    batches++;
                    if (x != null && i < x.length && x[i] < 0) {
                        v[i] = 0;
                    } else if (!minusOne && batches == 1) {
                        v[i] = -1;
                    } else {
                        throw new ToolkitException(Attributes.describe(node)
                                + " reshapes with the batch size in a position training cannot fold");
                    }
                }
            }
            return new Folded(target.dataType(), target.shape(), v);
        }

        private NodeProto canonical(NodeProto node) {
            switch (node.getOpType()) {
                case "BatchNormalization" -> {
                    NodeProto.Builder b = node.toBuilder().clearOutput().addOutput(node.getOutput(0));
                    removeAttribute(b, "training_mode");
                    return b.build();
                }
                case "Dropout" -> {
                    NodeProto.Builder b = node.toBuilder().clearInput().addInput(node.getInput(0));
                    if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
                        b.addInput(node.getInput(1));
                    }
                    return b.clearOutput().addOutput(node.getOutput(0)).build();
                }
                case "Pad" -> {
                    if (node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
                        return padOverAllAxes(node);
                    }
                    return node;
                }
                default -> {
                    return node;
                }
            }
        }

        /** Pad with an axes input (opset 18) rewritten with pads for every axis. */
        private NodeProto padOverAllAxes(NodeProto node) {
            Folded pads = known.get(node.getInput(1));
            Folded axes = known.get(node.getInput(3));
            long[] x = shapes.get(node.getInput(0));
            if (pads == null || axes == null || x == null) {
                throw new ToolkitException(Attributes.describe(node) + ": pads and axes must be constants");
            }
            long[] full = new long[2 * x.length];
            long[] p = pads.longs();
            long[] a = axes.longs();
            for (int k = 0; k < a.length; k++) {
                int axis = (int) (a[k] < 0 ? a[k] + x.length : a[k]);
                full[axis] = p[k];
                full[axis + x.length] = p[k + a.length];
            }
            String name = intConstant(full);
            NodeProto.Builder b =
                    node.toBuilder().clearInput().addInput(node.getInput(0)).addInput(name);
            if (node.getInputCount() > 2) {
                b.addInput(node.getInput(2));
            }
            return materialize(b.build());
        }
    }
}
