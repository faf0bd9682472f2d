package org.mltoolkit.plugin.cnn.autodiff;

import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attr;
import static org.mltoolkit.plugin.cnn.graph.GraphBuilder.attrs;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.Attributes;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/**
 * Conv (2-D, group 1, dilation 1, explicit pads and strides), in one of two formulations chosen by the output's
 * spatial size.
 *
 * <p>Batch-wide matrix products (outputs of at most {@link DifferentiationContext#gemmConvMaxPixels()} pixels):
 * activations are kept channels first ([C, N, H, W]) so that no layer needs a transpose. The input is unfolded
 * once into colT = [C*kH*kW, N*Ho*Wo] (Pad, one strided Slice per kernel tap, Concat); the forward is
 * Gemm(W as [Co, C*kH*kW], colT) plus bias, already channels first; the weight gradient is Gemm(dY, colT^T); the
 * input gradient is Gemm(W^T, dY) folded back with Col2Im, treating channels as Col2Im's batch.
 *
 * <p>Conv nodes (larger outputs): bias gradient by ReduceSum; weight gradient a Conv of the batch-transposed input
 * with the batch-transposed output gradient as filters, dilated by the stride; input gradient for stride 1 a Conv
 * with the flipped, transposed weights, otherwise ConvTranspose.
 */
final class ConvRule implements GradientRule {
    @Override
    public void forward(NodeProto node, DifferentiationContext c) {
        ConvGeometry geo = ConvGeometry.of(node, c);
        if (!useGemm(geo, c)) {
            GradientRule.super.forward(node, c);
            return;
        }
        GraphBuilder g = c.graph();
        String x = c.channelsFirst(node.getInput(0));
        long[] p = geo.pads;
        long[] s = geo.strides;
        String padded = x;
        if (p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0) {
            padded = g.op("Pad", x, g.ints(0, 0, p[0], p[1], 0, 0, p[2], p[3]));
        }
        List<String> taps = new ArrayList<>();
        for (long i = 0; i < geo.kH; i++) {
            for (long j = 0; j < geo.kW; j++) {
                String tap = g.op("Slice", List.of(padded, g.ints(i, j),
                        g.ints(i + s[0] * (geo.outH - 1) + 1, j + s[1] * (geo.outW - 1) + 1), g.ints(2, 3),
                        g.ints(s[0], s[1])));
                taps.add(g.op("Unsqueeze", tap, g.ints(1)));
            }
        }
        long rows = geo.inC * geo.kH * geo.kW;
        String unfolded = taps.size() == 1 ? taps.get(0) : g.op("Concat", taps, attr("axis", 1L));
        String colT = g.op("Reshape", unfolded, g.ints(rows, -1));
        String wm = g.op("Reshape", node.getInput(1), g.ints(geo.outC, rows));
        List<String> gemmInputs = new ArrayList<>(List.of(wm, colT));
        if (hasBias(node)) {
            gemmInputs.add(g.op("Reshape", node.getInput(2), g.ints(geo.outC, 1)));
        }
        String yT = g.op("Gemm", gemmInputs);
        g.node("Reshape", List.of(yT, g.ints(geo.outC, -1, geo.outH, geo.outW)), List.of(node.getOutput(0)));
        NodeProto recorded = node.toBuilder().setInput(0, x).build();
        c.record(recorded, this);
        c.markChannelsFirst(node.getOutput(0));
        c.save(node, "colT", colT);
        c.save(node, "wm", wm);
    }

    private static boolean useGemm(ConvGeometry geo, DifferentiationContext c) {
        return geo.outH * geo.outW <= c.gemmConvMaxPixels();
    }

    private static boolean hasBias(NodeProto node) {
        return node.getInputCount() > 2 && !node.getInput(2).isEmpty();
    }

    @Override
    public void backward(NodeProto node, DifferentiationContext c) {
        String gy = c.gradient(node.getOutput(0));
        if (gy == null) {
            return;
        }
        ConvGeometry geo = ConvGeometry.of(node, c);
        if (useGemm(geo, c)) {
            gemmBackward(node, c, geo, gy);
            return;
        }
        GraphBuilder g = c.graph();
        String x = node.getInput(0);
        String w = node.getInput(1);
        if (hasBias(node) && c.needsGradient(node.getInput(2))) {
            c.accumulate(node.getInput(2), g.op("ReduceSum", gy, g.ints(0, 2, 3), attr("keepdims", 0L)));
        }
        if (c.needsGradient(w)) {
            c.accumulate(w, weightGradient(g, geo, x, gy));
        }
        if (c.needsGradient(x)) {
            c.accumulate(x, inputGradient(g, geo, w, gy));
        }
    }

    private static void gemmBackward(NodeProto node, DifferentiationContext c, ConvGeometry geo, String gy) {
        GraphBuilder g = c.graph();
        String gyT = g.op("Reshape", gy, g.ints(geo.outC, -1));
        if (hasBias(node) && c.needsGradient(node.getInput(2))) {
            c.accumulate(node.getInput(2), g.op("ReduceSum", gyT, g.ints(1), attr("keepdims", 0L)));
        }
        if (c.needsGradient(node.getInput(1))) {
            String dwm = g.op("Gemm", List.of(gyT, c.saved(node, "colT")), attr("transB", 1L));
            c.accumulate(node.getInput(1), g.op("Reshape", dwm, g.ints(geo.outC, geo.inC, geo.kH, geo.kW)));
        }
        if (c.needsGradient(node.getInput(0))) {
            String dcolT = g.op("Gemm", List.of(c.saved(node, "wm"), gyT), attr("transA", 1L));
            long taps = geo.kH * geo.kW;
            long pixels = geo.outH * geo.outW;
            String blocks = g.op("Transpose", g.op("Reshape", dcolT, g.ints(geo.inC, taps, -1, pixels)),
                    attrs("perm", 0, 2, 1, 3));
            String folded = g.op("Reshape", blocks, g.ints(geo.inC, -1, pixels));
            c.accumulate(node.getInput(0), g.op("Col2Im", List.of(folded, g.ints(geo.inH, geo.inW),
                    g.ints(geo.kH, geo.kW)), attrs("strides", geo.strides), attrs("pads", geo.pads)));
        }
    }

    static String weightGradient(GraphBuilder g, ConvGeometry geo, String x, String gy) {
        String xt = g.op("Transpose", x, attrs("perm", 1, 0, 2, 3));
        String gt = g.op("Transpose", gy, attrs("perm", 1, 0, 2, 3));
        String full = g.op("Conv", List.of(xt, gt), attrs("pads", geo.pads), attrs("dilations", geo.strides));
        long fullH = geo.inH + geo.pads[0] + geo.pads[2] - geo.strides[0] * (geo.outH - 1);
        long fullW = geo.inW + geo.pads[1] + geo.pads[3] - geo.strides[1] * (geo.outW - 1);
        String cropped = full;
        if (fullH != geo.kH || fullW != geo.kW) {
            cropped = g.op("Slice", List.of(full, g.ints(0, 0), g.ints(geo.kH, geo.kW), g.ints(2, 3)));
        }
        return g.op("Transpose", cropped, attrs("perm", 1, 0, 2, 3));
    }

    static String inputGradient(GraphBuilder g, ConvGeometry geo, String w, String gy) {
        long padTop = geo.kH - 1 - geo.pads[0];
        long padLeft = geo.kW - 1 - geo.pads[1];
        long padBottom = geo.kH - 1 - geo.pads[2];
        long padRight = geo.kW - 1 - geo.pads[3];
        if (geo.strides[0] == 1 && geo.strides[1] == 1 && padTop >= 0 && padLeft >= 0 && padBottom >= 0
                && padRight >= 0) {
            String flipped = g.op("Slice", List.of(w, g.ints(-1, -1), g.ints(Long.MIN_VALUE, Long.MIN_VALUE),
                    g.ints(2, 3), g.ints(-1, -1)));
            String wt = g.op("Transpose", flipped, attrs("perm", 1, 0, 2, 3));
            return g.op("Conv", List.of(gy, wt), attrs("pads", padTop, padLeft, padBottom, padRight));
        }
        long opH = geo.inH - (geo.strides[0] * (geo.outH - 1) + geo.kH - geo.pads[0] - geo.pads[2]);
        long opW = geo.inW - (geo.strides[1] * (geo.outW - 1) + geo.kW - geo.pads[1] - geo.pads[3]);
        return g.op("ConvTranspose", List.of(gy, w), attrs("strides", geo.strides), attrs("pads", geo.pads),
                attrs("output_padding", opH, opW));
    }

    /** The static geometry of a 2-D Conv node, validated. */
    record ConvGeometry(long inC, long inH, long inW, long outC, long outH, long outW, long kH, long kW,
                        long[] strides, long[] pads) {
        static ConvGeometry of(NodeProto node, DifferentiationContext c) {
            long[] x = c.shape(node.getInput(0));
            long[] w = c.shape(node.getInput(1));
            long[] y = c.shape(node.getOutput(0));
            if (x.length != 4) {
                throw new ToolkitException(Attributes.describe(node) + ": only 2-D convolutions can be trained, input has rank "
                        + x.length);
            }
            if (Attributes.getInt(node, "group", 1) != 1) {
                throw new ToolkitException(Attributes.describe(node) + ": grouped convolutions cannot be trained yet");
            }
            long[] dilations = Attributes.getInts(node, "dilations", new long[] {1, 1});
            if (dilations[0] != 1 || dilations[1] != 1) {
                throw new ToolkitException(Attributes.describe(node) + ": dilated convolutions cannot be trained yet");
            }
            String autoPad = Attributes.getString(node, "auto_pad", "NOTSET");
            if (!autoPad.equals("NOTSET")) {
                throw new ToolkitException(Attributes.describe(node) + ": auto_pad=" + autoPad
                        + " is not supported for training; give explicit pads");
            }
            long[] strides = Attributes.getInts(node, "strides", new long[] {1, 1});
            long[] pads = Attributes.getInts(node, "pads", new long[] {0, 0, 0, 0});
            return new ConvGeometry(x[1], x[2], x[3], w[0], y[2], y[3], w[2], w[3], strides, pads);
        }
    }
}
