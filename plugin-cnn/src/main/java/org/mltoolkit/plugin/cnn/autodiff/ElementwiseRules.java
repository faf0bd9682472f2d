package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;
import java.util.List;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/** Gradient rules of elementwise operators: Relu, LeakyRelu, Sigmoid, Tanh, Add, Sub, Mul, Div, Identity, Dropout. */
final class ElementwiseRules {
    private ElementwiseRules() {}

    /** y = max(x, 0): dx = dy where y > 0, else 0. */
    static final class Relu extends SingleInputRule.LayoutKeeping {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            String positive = g.op("Greater", node.getOutput(0), g.floatScalar(0f));
            return g.op("Where", List.of(positive, gy, g.floatScalar(0f)));
        }
    }

    /** y = x if x > 0 else alpha*x: dx = dy or alpha*dy. */
    static final class LeakyRelu extends SingleInputRule.LayoutKeeping {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            float alpha = Attributes.getFloat(node, "alpha", 0.01f);
            String positive = g.op("Greater", node.getInput(0), g.floatScalar(0f));
            String scaled = g.op("Mul", gy, g.floatScalar(alpha));
            return g.op("Where", List.of(positive, gy, scaled));
        }
    }

    /** y = 1 / (1 + exp(-x)): dx = dy * y * (1 - y). */
    static final class Sigmoid extends SingleInputRule.LayoutKeeping {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            String y = node.getOutput(0);
            return g.op("Mul", gy, g.op("Mul", y, g.op("Sub", g.floatScalar(1f), y)));
        }
    }

    /** y = tanh(x): dx = dy * (1 - y^2). */
    static final class Tanh extends SingleInputRule.LayoutKeeping {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            String y = node.getOutput(0);
            return g.op("Mul", gy, g.op("Sub", g.floatScalar(1f), g.op("Mul", y, y)));
        }
    }

    /**
     * Add, Sub, Mul and Div with numpy broadcasting: gradients are summed over the broadcast axes. For y = a / b:
     * da = dy / b, db = -dy * y / b.
     */
    static final class Binary implements GradientRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            String a = node.getInput(0);
            String b = node.getInput(1);
            if (c.isChannelsFirst(a) && c.isChannelsFirst(b) && Arrays.equals(c.shape(a), c.shape(b))) {
                GradientRule.forwardKeepingLayout(node, c, this);
            } else {
                GradientRule.super.forward(node, c);
            }
        }

        @Override
        public void backward(NodeProto node, DifferentiationContext c) {
            String gy = c.gradient(node.getOutput(0));
            if (gy == null) {
                return;
            }
            GraphBuilder g = c.graph();
            String a = node.getInput(0);
            String b = node.getInput(1);
            long[] out = c.shape(node.getOutput(0));
            String op = node.getOpType();
            if (c.needsGradient(a)) {
                String ga = switch (op) {
                    case "Mul" -> g.op("Mul", gy, b);
                    case "Div" -> g.op("Div", gy, b);
                    default -> gy;
                };
                c.accumulate(a, c.reduceToShape(ga, out, c.shape(a)));
            }
            if (c.needsGradient(b)) {
                String gb = switch (op) {
                    case "Mul" -> g.op("Mul", gy, a);
                    case "Sub" -> g.op("Neg", gy);
                    case "Div" -> g.op("Neg", g.op("Div", g.op("Mul", gy, node.getOutput(0)), b));
                    default -> gy;
                };
                c.accumulate(b, c.reduceToShape(gb, out, c.shape(b)));
            }
        }
    }

    /** y = x. */
    static final class Identity extends SingleInputRule.LayoutKeeping {
        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            return gy;
        }
    }

    /**
     * Dropout: in training the node runs with training_mode=true and keeps its mask; dx = dy * mask / (1 - ratio).
     */
    static final class Dropout extends SingleInputRule {
        @Override
        public void forward(NodeProto node, DifferentiationContext c) {
            GraphBuilder g = c.graph();
            String ratio =
                    node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? node.getInput(1) : g.floatScalar(0.5f);
            String training = g.fresh("training_mode");
            g.initializers()
                    .add(ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                            .setName(training)
                            .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.BOOL.getNumber())
                            .addInt32Data(1)
                            .build());
            String mask = node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()
                    ? node.getOutput(1)
                    : g.fresh("dropout_mask");
            NodeProto.Builder rewritten = node.toBuilder()
                    .clearInput()
                    .clearOutput()
                    .addInput(node.getInput(0))
                    .addInput(ratio)
                    .addInput(training)
                    .addOutput(node.getOutput(0))
                    .addOutput(mask);
            GradientRule.forwardKeepingLayout(rewritten.build(), c, this);
            c.save(node, "mask", mask);
            c.save(node, "ratio", ratio);
        }

        @Override
        String inputGradient(NodeProto node, DifferentiationContext c, String gy) {
            GraphBuilder g = c.graph();
            String keep = g.op("Sub", g.floatScalar(1f), c.saved(node, "ratio"));
            String mask = g.op("Cast", c.saved(node, "mask"), attr("to", 1L));
            return g.op("Div", g.op("Mul", gy, mask), keep);
        }
    }
}
