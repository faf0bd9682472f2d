package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/**
 * The state of one differentiation: the graph being written, the static shapes, which tensors need gradients, the
 * gradient contributions collected so far, tensors a rule's forward saved for its backward, and the updated
 * values of buffers (BatchNorm running statistics). Mutable; used by one thread for one graph.
 */
public final class DifferentiationContext {
    private final GraphBuilder graph;
    private final Map<String, long[]> shapes;
    private final Set<String> requiresGradient;
    private final Map<String, List<String>> contributions = new HashMap<>();
    private final Map<String, String> summed = new HashMap<>();
    private final Map<String, String> saved = new HashMap<>();
    private final Map<String, String> bufferUpdates = new LinkedHashMap<>();
    private final int gemmConvMaxPixels;
    private final List<TapeEntry> tape = new ArrayList<>();
    private final Set<String> channelsFirst = new java.util.HashSet<>();
    private final Map<String, String> toBatchFirst = new HashMap<>();
    private final Map<String, String> toChannelsFirst = new HashMap<>();

    /** A forward node as emitted into the training graph, with the rule that differentiates it. */
    record TapeEntry(NodeProto node, GradientRule rule) {}

    private static final GradientRule TRANSPOSE = new TransposeRule();

    private final Map<String, ai.onnx.proto.OnnxMl.TensorProto> constants;

    DifferentiationContext(
            GraphBuilder graph,
            Map<String, long[]> shapes,
            Set<String> requiresGradient,
            int gemmConvMaxPixels,
            Map<String, ai.onnx.proto.OnnxMl.TensorProto> constants) {
        this.graph = graph;
        this.constants = constants;
        this.gemmConvMaxPixels = gemmConvMaxPixels;
        this.shapes = shapes;
        this.requiresGradient = requiresGradient;
    }

    /** Convolutions with at most this many output pixels per image run as batch-wide matrix products. */
    public int gemmConvMaxPixels() {
        return gemmConvMaxPixels;
    }

    /**
     * Records an emitted forward node for the backward pass: its outputs need gradients when one of its inputs
     * does. Every rule's {@link GradientRule#forward} records the nodes it wants differentiated.
     */
    public void record(NodeProto emitted, GradientRule rule) {
        tape.add(new TapeEntry(emitted, rule));
        for (String in : emitted.getInputList()) {
            if (requiresGradient.contains(in)) {
                requiresGradient.addAll(emitted.getOutputList());
                break;
            }
        }
    }

    List<TapeEntry> tape() {
        return tape;
    }

    /**
     * True if the training graph stores {@code tensor} channels first and batch last ([C, H, W, N]) rather than
     * in ONNX's [N, C, H, W]. Its {@link #shape} is always the logical [N, C, H, W] shape; its gradient has its layout.
     */
    public boolean isChannelsFirst(String tensor) {
        return channelsFirst.contains(tensor);
    }

    /** Declares that {@code tensor} is stored channels first. */
    public void markChannelsFirst(String tensor) {
        channelsFirst.add(tensor);
    }

    /** {@code tensor} in ONNX's batch-first layout: itself, or a recorded Transpose of it (emitted once). */
    public String batchFirst(String tensor) {
        if (!channelsFirst.contains(tensor)) {
            return tensor;
        }
        return toBatchFirst.computeIfAbsent(tensor, t -> swapBatchAndChannels(t, false));
    }

    /** {@code tensor} stored channels first: itself, or a recorded Transpose of it (emitted once). */
    public String channelsFirst(String tensor) {
        if (channelsFirst.contains(tensor)) {
            return tensor;
        }
        return toChannelsFirst.computeIfAbsent(tensor, t -> swapBatchAndChannels(t, true));
    }

    private String swapBatchAndChannels(String tensor, boolean resultChannelsFirst) {
        long[] shape = shape(tensor);
        long[] perm = new long[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        // channels first, batch last: [N, C, H, W] -> [C, H, W, N] and back
        for (int i = 0; i < perm.length; i++) {
            perm[i] = resultChannelsFirst ? (i + 1) % perm.length : (i + perm.length - 1) % perm.length;
        }
        String out = graph.fresh(resultChannelsFirst ? "channels_first" : "batch_first");
        NodeProto transpose = NodeProto.newBuilder()
                .setOpType("Transpose")
                .setName(graph.fresh("layout"))
                .addInput(tensor)
                .addOutput(out)
                .addAttribute(GraphBuilder.attrs("perm", perm))
                .build();
        graph.add(transpose);
        shapes.put(out, shape);
        if (resultChannelsFirst) {
            channelsFirst.add(out);
        }
        record(transpose, TRANSPOSE);
        return out;
    }

    /**
     * The node with every channels-first input replaced by its batch-first copy (the node itself when none is),
     * for operators that work in ONNX's layout.
     */
    public NodeProto withBatchFirstInputs(NodeProto node) {
        NodeProto.Builder b = null;
        for (int i = 0; i < node.getInputCount(); i++) {
            String in = node.getInput(i);
            if (!in.isEmpty() && channelsFirst.contains(in)) {
                if (b == null) {
                    b = node.toBuilder();
                }
                b.setInput(i, batchFirst(in));
            }
        }
        return b == null ? node : b.build();
    }

    /** The graph under construction (forward nodes, then gradient nodes). */
    public GraphBuilder graph() {
        return graph;
    }

    /** Static shape of a forward tensor (-1 for the batch); throws ToolkitException if unknown. */
    public long[] shape(String tensor) {
        long[] s = shapes.get(tensor);
        if (s == null) {
            throw new ToolkitException("no static shape known for tensor '" + tensor + "'");
        }
        return s;
    }

    /** The values of a constant integer initializer of the forward graph, or null when it is not one. */
    public long[] constantInts(String tensor) {
        ai.onnx.proto.OnnxMl.TensorProto t = constants.get(tensor);
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

    /** Records the shape of a tensor a rule created. */
    public void setShape(String tensor, long[] shape) {
        shapes.put(tensor, shape);
    }

    /** True if the loss depends on {@code tensor} through something we differentiate (known once recorded). */
    public boolean needsGradient(String tensor) {
        return requiresGradient.contains(tensor);
    }

    /** The gradient of the loss with respect to {@code tensor} (contributions summed), or null if it has none. */
    public String gradient(String tensor) {
        String done = summed.get(tensor);
        if (done != null) {
            return done;
        }
        List<String> parts = contributions.get(tensor);
        if (parts == null || parts.isEmpty()) {
            return null;
        }
        String total = parts.size() == 1 ? parts.get(0) : graph.op("Sum", parts);
        summed.put(tensor, total);
        return total;
    }

    /** Adds one contribution to the gradient of {@code tensor}. */
    public void accumulate(String tensor, String gradient) {
        if (summed.containsKey(tensor)) {
            throw new IllegalStateException("gradient of '" + tensor + "' was read before all contributions arrived");
        }
        contributions.computeIfAbsent(tensor, k -> new ArrayList<>()).add(gradient);
    }

    /** Remembers a tensor the forward of {@code node} computed for its backward. */
    public void save(NodeProto node, String key, String tensor) {
        saved.put(node.getName() + "\u0000" + key, tensor);
    }

    /** A tensor saved by {@link #save}; throws IllegalStateException if the forward did not save it. */
    public String saved(NodeProto node, String key) {
        String t = saved.get(node.getName() + "\u0000" + key);
        if (t == null) {
            throw new IllegalStateException(Attributes.describe(node) + " saved no '" + key + "'");
        }
        return t;
    }

    /** Declares that after this step buffer {@code buffer} should take the value of tensor {@code newValue}. */
    public void updateBuffer(String buffer, String newValue) {
        bufferUpdates.put(buffer, newValue);
    }

    Map<String, String> bufferUpdates() {
        return bufferUpdates;
    }

    /**
     * Sums a gradient of shape {@code from} over the broadcast axes so that it has shape {@code to} (the shape of
     * the operand that was broadcast), axis by axis ({@link GraphBuilder#sumAxisByAxis}): a bias added to every
     * pixel of a batch of images is summed over hundreds of thousands of values, which one ReduceSum does not keep
     * to float precision.
     */
    public String reduceToShape(String gradient, long[] from, long[] to) {
        if (Arrays.equals(from, to)) {
            return gradient;
        }
        int extra = from.length - to.length;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < from.length; i++) {
            if (i < extra || (to[i - extra] == 1 && from[i] != 1)) {
                axes.add((long) i);
            }
        }
        String reduced = gradient;
        if (!axes.isEmpty()) {
            reduced = graph.sumAxisByAxis(
                    gradient, axes.stream().mapToLong(Long::longValue).toArray(), false);
        }
        return graph.op("Reshape", reduced, graph.ints(to));
    }

    /** A new tensor holding the shape of {@code tensor} as read at run time (rank-1 int64), for dynamic batches. */
    public String runtimeShape(String tensor) {
        return graph.op("Shape", tensor);
    }
}
