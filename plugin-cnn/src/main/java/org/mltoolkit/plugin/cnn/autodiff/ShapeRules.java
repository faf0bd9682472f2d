package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/** Gradient rules of operators that move data without arithmetic: Concat, Pad (constant mode) and Constant. */
final class ShapeRules {
    private ShapeRules() {}

    /** Concat: the gradient is split back along the axis into pieces of the inputs' sizes. */
    static final class Concat implements GradientRule {
        @Override
        public void backward(NodeProto node, DifferentiationContext c) {
            String gy = c.gradient(node.getOutput(0));
            if (gy == null) {
                return;
            }
            long[] ys = c.shape(node.getOutput(0));
            long axis = Attributes.getInt(node, "axis", 1);
            int a = (int) (axis < 0 ? axis + ys.length : axis);
            long[] sizes = new long[node.getInputCount()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = c.shape(node.getInput(i))[a];
                if (sizes[i] < 0) {
                    throw new ToolkitException(
                            Attributes.describe(node) + ": concatenation along the batch axis cannot be trained");
                }
            }
            GraphBuilder g = c.graph();
            String[] parts = g.ops("Split", sizes.length, List.of(gy, g.ints(sizes)), attr("axis", (long) a));
            for (int i = 0; i < sizes.length; i++) {
                if (c.needsGradient(node.getInput(i))) {
                    c.accumulate(node.getInput(i), parts[i]);
                }
            }
        }
    }

    /**
     * Pad in constant mode with constant pads: the gradient is the output gradient without the added border (and,
     * where pads were negative and cut the input, zeros in place of what was cut).
     */
    static final class Pad extends SingleInputRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            String mode = Attributes.getString(node, "mode", "constant");
            if (!mode.equals("constant")) {
                throw new ToolkitException(
                        Attributes.describe(node) + ": Pad in mode " + mode + " cannot be trained; only constant");
            }
            super.forward(node, c);
        }

        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            String x = node.getInput(0);
            long[] xs = c.shape(x);
            long[] ys = c.shape(node.getOutput(0));
            int rank = xs.length;
            long[] pads = new long[2 * rank];
            for (int i = 0; i < rank; i++) {
                // the static shapes give back the pads: begin from the forward's constant, end from the sizes
                pads[i] = padBegin(node, c, i);
                pads[i + rank] = xs[i] < 0 ? 0 : ys[i] - xs[i] - pads[i];
            }
            GraphBuilder g = c.graph();
            List<Long> axes = new ArrayList<>();
            List<Long> starts = new ArrayList<>();
            List<Long> ends = new ArrayList<>();
            boolean negative = false;
            long[] grow = new long[2 * rank];
            for (int i = 0; i < rank; i++) {
                long begin = Math.max(pads[i], 0);
                long end = Math.max(pads[i + rank], 0);
                if (begin != 0 || end != 0) {
                    axes.add((long) i);
                    starts.add(begin);
                    ends.add(end == 0 ? Long.MAX_VALUE : -end);
                }
                grow[i] = Math.max(-pads[i], 0);
                grow[i + rank] = Math.max(-pads[i + rank], 0);
                negative |= grow[i] != 0 || grow[i + rank] != 0;
            }
            String dx = gy;
            if (!axes.isEmpty()) {
                dx = g.op("Slice", List.of(dx, g.ints(toArray(starts)), g.ints(toArray(ends)), g.ints(toArray(axes))));
            }
            if (negative) {
                dx = g.op("Pad", dx, g.ints(grow));
            }
            return dx;
        }

        private static long padBegin(NodeProto node, DifferentiationContext c, int axis) {
            long[] pads = c.constantInts(node.getInput(1));
            if (pads == null) {
                throw new ToolkitException(Attributes.describe(node) + ": the pads must be a constant for training");
            }
            return pads[axis];
        }

        private static long[] toArray(List<Long> values) {
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** Constant: no inputs, so nothing to differentiate. */
    static final class Constant implements GradientRule {
        @Override
        public void backward(NodeProto node, DifferentiationContext c) {
            // a constant has no inputs
        }
    }
}
