package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;
import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/** Gradient rules of Gemm, MatMul, Flatten and Reshape. */
final class LinearRules {
    private LinearRules() {}

    /** Y = alpha * op(A) op(B) + beta * C, op being an optional transpose. */
    static final class Gemm implements GradientRule {
        @Override
        public void backward(NodeProto node, DifferentiationContext c) {
            String gy = c.gradient(node.getOutput(0));
            if (gy == null) {
                return;
            }
            GraphBuilder g = c.graph();
            float alpha = Attributes.getFloat(node, "alpha", 1f);
            float beta = Attributes.getFloat(node, "beta", 1f);
            boolean ta = Attributes.getInt(node, "transA", 0) != 0;
            boolean tb = Attributes.getInt(node, "transB", 0) != 0;
            String a = node.getInput(0);
            String b = node.getInput(1);
            if (c.needsGradient(a)) {
                String ga = ta
                        ? gemm(g, b, gy, tb, true, alpha) // dA = op(B) gy^T
                        : gemm(g, gy, b, false, !tb, alpha); // dA = gy op(B)^T
                c.accumulate(a, ga);
            }
            if (c.needsGradient(b)) {
                String gb = tb
                        ? gemm(g, gy, a, true, ta, alpha) // dB = gy^T op(A)
                        : gemm(g, a, gy, !ta, false, alpha); // dB = op(A)^T gy
                c.accumulate(b, gb);
            }
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && c.needsGradient(node.getInput(2))) {
                String gc = beta == 1f ? gy : g.op("Mul", gy, g.floatScalar(beta));
                c.accumulate(
                        node.getInput(2), c.reduceToShape(gc, c.shape(node.getOutput(0)), c.shape(node.getInput(2))));
            }
        }

        private static String gemm(GraphBuilder g, String x, String y, boolean tx, boolean ty, float alpha) {
            return g.op(
                    "Gemm",
                    List.of(x, y),
                    attr("transA", tx ? 1L : 0L),
                    attr("transB", ty ? 1L : 0L),
                    attr("alpha", alpha));
        }
    }

    /** Y = A B with numpy-style batch broadcasting over the leading dimensions. */
    static final class MatMul implements GradientRule {
        @Override
        public void backward(NodeProto node, DifferentiationContext c) {
            String gy = c.gradient(node.getOutput(0));
            if (gy == null) {
                return;
            }
            GraphBuilder g = c.graph();
            String a = node.getInput(0);
            String b = node.getInput(1);
            long[] sa = c.shape(a);
            long[] sb = c.shape(b);
            if (sa.length < 2 || sb.length < 2) {
                throw new ToolkitException(
                        Attributes.describe(node) + ": gradients need MatMul operands of rank 2 or more");
            }
            long[] sy = c.shape(node.getOutput(0));
            if (c.needsGradient(a)) {
                String ga = g.op("MatMul", gy, transposeLastTwo(g, b, sb.length));
                long[] gaShape = sy.clone();
                gaShape[gaShape.length - 1] = sa[sa.length - 1];
                c.accumulate(a, c.reduceToShape(ga, gaShape, sa));
            }
            if (c.needsGradient(b)) {
                String gb = g.op("MatMul", transposeLastTwo(g, a, sa.length), gy);
                long[] gbShape = sy.clone();
                gbShape[gbShape.length - 2] = sb[sb.length - 2];
                c.accumulate(b, c.reduceToShape(gb, gbShape, sb));
            }
        }

        private static String transposeLastTwo(GraphBuilder g, String x, int rank) {
            long[] perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = i;
            }
            perm[rank - 2] = rank - 1;
            perm[rank - 1] = rank - 2;
            return g.op("Transpose", x, attrs("perm", perm));
        }
    }

    /** Flatten and Reshape: the gradient takes the input's shape back. */
    static final class Reshape extends SingleInputRule {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            return c.graph().op("Reshape", gy, c.runtimeShape(node.getInput(0)));
        }
    }
}
