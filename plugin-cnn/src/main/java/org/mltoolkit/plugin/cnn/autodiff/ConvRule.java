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
 * <p>Batch-wide matrix products (outputs of at most {@link DifferentiationContext#gemmConvMaxPixels()} pixels, the
 * default for every layer of the reference network): activations are kept channels first and batch last
 * ([C, H, W, N]) so that no layer needs a transpose and every copy moves whole runs of N values. Each kernel tap
 * is a strided Slice of the padded input, [C, Ho*Wo*N]. The forward either unfolds the taps into one
 * [C*kH*kW, Ho*Wo*N] matrix for a single Gemm, or runs one Gemm per tap accumulated in place, whichever moves less
 * memory ({@link #perTap}); the weight gradient is Gemm(dY, taps^T); the input gradient is computed per stride
 * phase ({@link #polyphaseInputGradient}) with Gemms as well, so no scatter (Col2Im) and no transpose is needed.
 * Measured on the reference network at batch 256 this beat Conv/ConvTranspose nodes (ONNX Runtime multiplies one
 * image at a time there, and cannot pre-pack weights that change every step) by more than a factor of four.
 *
 * <p>Conv nodes (larger outputs): weight gradient a Conv of the batch-transposed input with the batch-transposed
 * output gradient as filters, dilated by the stride; input gradient for stride 1 a Conv with the flipped, transposed
 * weights, otherwise ConvTranspose. Either way the bias gradient is summed axis by axis ({@link #biasGradient}).
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
        String padded = x;
        if (p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0) {
            padded = g.op("Pad", x, g.ints(0, p[0], p[1], 0, 0, p[2], p[3], 0));
        }
        String bias = hasBias(node) ? g.op("Reshape", node.getInput(2), g.ints(geo.outC, 1)) : null;
        String yT;
        if (perTap(geo.inC, geo.outC)) {
            // one Gemm per kernel tap, accumulated in place: no unfolded copy of the input
            yT = bias;
            String[] weightTaps = weightTaps(g, node.getInput(1), geo);
            c.save(node, "weightTaps", String.join("\u0000", weightTaps));
            int t = 0;
            for (long i = 0; i < geo.kH; i++) {
                for (long j = 0; j < geo.kW; j++) {
                    String tap = g.op("Reshape", tap(g, geo, padded, i, j, FORWARD_AXES), g.ints(geo.inC, -1));
                    String wTap = weightTaps[t++];
                    yT = yT == null ? g.op("Gemm", List.of(wTap, tap)) : g.op("Gemm", List.of(wTap, tap, yT));
                }
            }
        } else {
            String colT = unfold(g, geo, padded, FORWARD_AXES);
            String wm = g.op("Reshape", node.getInput(1), g.ints(geo.outC, geo.inC * geo.kH * geo.kW));
            yT = g.op("Gemm", bias == null ? List.of(wm, colT) : List.of(wm, colT, bias));
        }
        // Only the padded input is kept for the backward, which slices the taps again: nine strided windows (or
        // their unfolded matrix) would hold about nine times the input until the backward reaches this layer.
        c.save(node, "padded", padded);
        g.node("Reshape", List.of(yT, g.ints(geo.outC, geo.outH, geo.outW, -1)), List.of(node.getOutput(0)));
        NodeProto recorded = node.toBuilder().setInput(0, x).build();
        c.record(recorded, this);
        c.markChannelsFirst(node.getOutput(0));
    }

    /**
     * The spatial axes of [C, H, W, N] as the forward's tap slices name them ({@link #FORWARD_AXES}) and as the
     * backward's name them ({@link #BACKWARD_AXES}). The two spellings keep ONNX Runtime's common subexpression
     * elimination from merging the backward's slices into the forward's, which would keep every tap alive from
     * the forward to the backward again.
     */
    private static final long[] FORWARD_AXES = {1, 2};

    private static final long[] BACKWARD_AXES = {-3, -2};

    /** Kernel tap (i, j): the strided window of the padded [C, H, W, N] input it multiplies, [C, Ho, Wo, N]. */
    private static String tap(GraphBuilder g, ConvGeometry geo, String padded, long i, long j, long[] axes) {
        long[] s = geo.strides;
        return g.op(
                "Slice",
                List.of(
                        padded,
                        g.ints(i, j),
                        g.ints(i + s[0] * (geo.outH - 1) + 1, j + s[1] * (geo.outW - 1) + 1),
                        g.ints(axes),
                        g.ints(s[0], s[1])));
    }

    /** Every kernel tap of the padded input stacked into one [C*kH*kW, Ho*Wo*N] matrix, rows ordered (c, i, j). */
    private static String unfold(GraphBuilder g, ConvGeometry geo, String padded, long[] axes) {
        List<String> taps = new ArrayList<>();
        for (long i = 0; i < geo.kH; i++) {
            for (long j = 0; j < geo.kW; j++) {
                taps.add(g.op("Unsqueeze", tap(g, geo, padded, i, j, axes), g.ints(1)));
            }
        }
        String unfolded = taps.size() == 1 ? taps.get(0) : g.op("Concat", taps, attr("axis", 1L));
        return g.op("Reshape", unfolded, g.ints(geo.inC * geo.kH * geo.kW, -1));
    }

    /** Below this many contracted channels the taps are always unfolded into one matrix. */
    private static final long PER_TAP_MIN_CHANNELS = 16;

    /**
     * One Gemm per kernel tap, accumulated into the result, or one Gemm over the unfolded taps? Unfolding copies the
     * k*k windows once more (about 2*k*k times the windows' size in memory traffic); accumulating reads and writes
     * the result once per tap (2*k*k times the result's size). So accumulate when the result has no more rows
     * than the windows (same columns), that is when the product does not widen the channels.
     */
    private static boolean perTap(long contractedChannels, long resultRows) {
        return contractedChannels >= PER_TAP_MIN_CHANNELS && resultRows <= contractedChannels;
    }

    /**
     * The kernel taps W[:, :, i, j] as [Co, C] matrices, row-major over (i, j): one Transpose to tap-major order
     * and one Split, instead of a strided Slice per tap (those cost about a tenth of a step, measured).
     */
    private static String[] weightTaps(GraphBuilder g, String w, ConvGeometry geo) {
        int taps = (int) (geo.kH * geo.kW);
        String tapMajor =
                g.op("Reshape", g.op("Transpose", w, attrs("perm", 2, 3, 0, 1)), g.ints(taps, geo.outC, geo.inC));
        if (taps == 1) {
            return new String[] {g.op("Reshape", tapMajor, g.ints(geo.outC, geo.inC))};
        }
        long[] sizes = new long[taps];
        java.util.Arrays.fill(sizes, 1);
        String[] parts = g.ops("Split", taps, List.of(tapMajor, g.ints(sizes)), attr("axis", 0L));
        String[] matrices = new String[taps];
        for (int t = 0; t < taps; t++) {
            matrices[t] = g.op("Reshape", parts[t], g.ints(geo.outC, geo.inC));
        }
        return matrices;
    }

    /** The weight taps the forward of {@code node} split, or new ones when it unfolded instead. */
    private static String[] weightTaps(GraphBuilder g, DifferentiationContext c, NodeProto node, ConvGeometry geo) {
        if (perTap(geo.inC, geo.outC)) {
            return c.saved(node, "weightTaps").split("\u0000");
        }
        return weightTaps(g, node.getInput(1), geo);
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
            c.accumulate(node.getInput(2), biasGradient(g, geo, gy, 0, 2, 3));
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
        if (hasBias(node) && c.needsGradient(node.getInput(2))) {
            c.accumulate(node.getInput(2), biasGradient(g, geo, gy, 1, 2, 3));
        }
        String gyT = g.op("Reshape", gy, g.ints(geo.outC, -1));
        if (c.needsGradient(node.getInput(1))) {
            String dwm;
            String padded = c.saved(node, "padded");
            if (perTap(geo.inC, geo.outC)) {
                List<String> parts = new ArrayList<>();
                for (long i = 0; i < geo.kH; i++) {
                    for (long j = 0; j < geo.kW; j++) {
                        String tap = g.op("Reshape", tap(g, geo, padded, i, j, BACKWARD_AXES), g.ints(geo.inC, -1));
                        parts.add(g.op("Unsqueeze", g.op("Gemm", List.of(gyT, tap), attr("transB", 1L)), g.ints(2)));
                    }
                }
                dwm = parts.size() == 1 ? parts.get(0) : g.op("Concat", parts, attr("axis", 2L));
            } else {
                dwm = g.op("Gemm", List.of(gyT, unfold(g, geo, padded, BACKWARD_AXES)), attr("transB", 1L));
            }
            c.accumulate(node.getInput(1), g.op("Reshape", dwm, g.ints(geo.outC, geo.inC, geo.kH, geo.kW)));
        }
        if (c.needsGradient(node.getInput(0))) {
            c.accumulate(node.getInput(0), polyphaseInputGradient(g, geo, weightTaps(g, c, node, geo), gy));
        }
    }

    /**
     * The bias gradient: dY summed over every axis but the channel axis, axis by axis ({@link
     * GraphBuilder#sumAxisByAxis}). In one ReduceSum a channel of a batch of 256 outputs of 28x28 is 200,704 values
     * added into a float one after another, whose rounding grows with the count: 262,144 values came out 1.5e-6 of
     * the sum off in one ReduceSum and 1.2e-7 axis by axis (TrainingGraphTest).
     */
    private static String biasGradient(GraphBuilder g, ConvGeometry geo, String gy, long... otherAxes) {
        return g.op("Reshape", g.sumAxisByAxis(gy, otherAxes, false), g.ints(geo.outC));
    }

    /**
     * Input gradient of a channels-first-batch-last convolution without scattering: the input positions are split
     * into stride x stride phase classes (row parity ph, column parity pw for stride 2); every position of one class
     * receives gradient from the same kernel taps, each from a shifted window of dY. So each class is a small
     * stride-1 convolution of the padded dY, computed as one Gemm over an unfolded dY, and the classes are
     * interleaved back. For stride 1 there is one class and this is the convolution with the flipped kernel.
     */
    private static String polyphaseInputGradient(GraphBuilder g, ConvGeometry geo, String[] weightTaps, String gy) {
        long sH = geo.strides[0];
        long sW = geo.strides[1];
        long planeH = (geo.inH + sH - 1) / sH;
        long planeW = (geo.inW + sW - 1) / sW;
        long[][] offH = offsets(geo.kH, sH, geo.pads[0]);
        long[][] offW = offsets(geo.kW, sW, geo.pads[1]);
        long top = padding(offH, true, planeH, geo.outH);
        long bottom = padding(offH, false, planeH, geo.outH);
        long left = padding(offW, true, planeW, geo.outW);
        long right = padding(offW, false, planeW, geo.outW);
        String padded = gy;
        if (top != 0 || bottom != 0 || left != 0 || right != 0) {
            padded = g.op("Pad", gy, g.ints(0, top, left, 0, 0, bottom, right, 0));
        }
        String batch = g.op("Slice", List.of(g.op("Shape", gy), g.ints(3), g.ints(4)));
        List<String> rowsOfPlanes = new ArrayList<>();
        for (int ph = 0; ph < sH; ph++) {
            List<String> planes = new ArrayList<>();
            for (int pw = 0; pw < sW; pw++) {
                List<String> windows = new ArrayList<>();
                List<String> weights = new ArrayList<>();
                String accumulated = null;
                for (int i = 0; i < geo.kH; i++) {
                    if (offH[ph][i] == Long.MIN_VALUE) {
                        continue;
                    }
                    for (int j = 0; j < geo.kW; j++) {
                        if (offW[pw][j] == Long.MIN_VALUE) {
                            continue;
                        }
                        long r0 = offH[ph][i] + top;
                        long c0 = offW[pw][j] + left;
                        String window = g.op(
                                "Slice",
                                List.of(padded, g.ints(r0, c0), g.ints(r0 + planeH, c0 + planeW), g.ints(1, 2)));
                        if (perTap(geo.outC, geo.inC)) {
                            String win = g.op("Reshape", window, g.ints(geo.outC, -1));
                            String wTap = weightTaps[(int) (i * geo.kW + j)];
                            accumulated = g.op(
                                    "Gemm",
                                    accumulated == null ? List.of(wTap, win) : List.of(wTap, win, accumulated),
                                    attr("transA", 1L));
                        } else {
                            windows.add(g.op("Unsqueeze", window, g.ints(1)));
                            weights.add(g.op("Unsqueeze", weightTaps[(int) (i * geo.kW + j)], g.ints(2)));
                        }
                    }
                }
                String plane;
                if (accumulated != null) {
                    plane = g.op("Reshape", accumulated, g.ints(geo.inC, planeH, planeW, -1));
                } else if (windows.isEmpty()) {
                    String shape = g.op("Concat", List.of(g.ints(geo.inC, planeH, planeW), batch), attr("axis", 0L));
                    plane = g.op("ConstantOfShape", shape);
                } else {
                    long taps = windows.size();
                    String unfolded = taps == 1 ? windows.get(0) : g.op("Concat", windows, attr("axis", 1L));
                    String col = g.op("Reshape", unfolded, g.ints(geo.outC * taps, -1));
                    // weights: [Co, C, taps] -> [C, Co, taps] -> [C, Co*taps], matching the rows (co, tap) of col
                    String stacked = taps == 1 ? weights.get(0) : g.op("Concat", weights, attr("axis", 2L));
                    String wt = g.op(
                            "Reshape",
                            g.op(
                                    "Transpose",
                                    g.op("Reshape", stacked, g.ints(geo.outC, geo.inC, taps)),
                                    attrs("perm", 1, 0, 2)),
                            g.ints(geo.inC, geo.outC * taps));
                    plane = g.op("Reshape", g.op("Gemm", List.of(wt, col)), g.ints(geo.inC, planeH, planeW, -1));
                }
                planes.add(plane);
            }
            if (sW == 1) {
                rowsOfPlanes.add(planes.get(0));
            } else {
                List<String> expanded = new ArrayList<>();
                planes.forEach(pl -> expanded.add(g.op("Unsqueeze", pl, g.ints(3))));
                rowsOfPlanes.add(g.op(
                        "Reshape",
                        g.op("Concat", expanded, attr("axis", 3L)),
                        g.ints(geo.inC, planeH, planeW * sW, -1)));
            }
        }
        String dx;
        if (sH == 1) {
            dx = rowsOfPlanes.get(0);
        } else {
            List<String> expanded = new ArrayList<>();
            rowsOfPlanes.forEach(r -> expanded.add(g.op("Unsqueeze", r, g.ints(2))));
            dx = g.op(
                    "Reshape",
                    g.op("Concat", expanded, attr("axis", 2L)),
                    g.ints(geo.inC, planeH * sH, planeW * sW, -1));
        }
        if (planeH * sH != geo.inH || planeW * sW != geo.inW) {
            dx = g.op("Slice", List.of(dx, g.ints(0, 0), g.ints(geo.inH, geo.inW), g.ints(1, 2)));
        }
        return dx;
    }

    /**
     * For phase {@code ph} (rows h = s*m + ph) and tap {@code i}: the offset o such that output row m + o feeds
     * plane row m, or Long.MIN_VALUE when the tap does not reach that phase.
     */
    private static long[][] offsets(long k, long s, long padBegin) {
        long[][] off = new long[(int) s][(int) k];
        for (int ph = 0; ph < s; ph++) {
            for (int i = 0; i < k; i++) {
                long d = ph + padBegin - i;
                off[ph][i] = Math.floorMod(d, s) == 0 ? Math.floorDiv(d, s) : Long.MIN_VALUE;
            }
        }
        return off;
    }

    /** Zero rows needed before (or after) dY so that every window of every phase lies inside. */
    private static long padding(long[][] off, boolean before, long planeSize, long outSize) {
        long pad = 0;
        for (long[] phase : off) {
            for (long o : phase) {
                if (o != Long.MIN_VALUE) {
                    pad = Math.max(pad, before ? -o : o + planeSize - outSize);
                }
            }
        }
        return pad;
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
        if (geo.strides[0] == 1
                && geo.strides[1] == 1
                && padTop >= 0
                && padLeft >= 0
                && padBottom >= 0
                && padRight >= 0) {
            String flipped = g.op(
                    "Slice",
                    List.of(w, g.ints(-1, -1), g.ints(Long.MIN_VALUE, Long.MIN_VALUE), g.ints(2, 3), g.ints(-1, -1)));
            String wt = g.op("Transpose", flipped, attrs("perm", 1, 0, 2, 3));
            return g.op("Conv", List.of(gy, wt), attrs("pads", padTop, padLeft, padBottom, padRight));
        }
        long opH = geo.inH - (geo.strides[0] * (geo.outH - 1) + geo.kH - geo.pads[0] - geo.pads[2]);
        long opW = geo.inW - (geo.strides[1] * (geo.outW - 1) + geo.kW - geo.pads[1] - geo.pads[3]);
        return g.op(
                "ConvTranspose",
                List.of(gy, w),
                attrs("strides", geo.strides),
                attrs("pads", geo.pads),
                attrs("output_padding", opH, opW));
    }

    /** The static geometry of a 2-D Conv node, validated. */
    record ConvGeometry(
            long inC,
            long inH,
            long inW,
            long outC,
            long outH,
            long outW,
            long kH,
            long kW,
            long[] strides,
            long[] pads) {
        static ConvGeometry of(NodeProto node, DifferentiationContext c) {
            long[] x = c.shape(node.getInput(0));
            long[] w = c.shape(node.getInput(1));
            long[] y = c.shape(node.getOutput(0));
            if (x.length != 4) {
                throw new ToolkitException(Attributes.describe(node)
                        + ": only 2-D convolutions can be trained, input has rank " + x.length);
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
