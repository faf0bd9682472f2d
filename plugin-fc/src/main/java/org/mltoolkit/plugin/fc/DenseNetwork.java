package org.mltoolkit.plugin.fc;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.mltoolkit.plugin.support.nn.BatchNormFolding;

/**
 * A stack of fully-connected layers in float32: every hidden layer is Linear, LeakyReLU(0.01), BatchNorm1d;
 * the last is Linear followed by LogSoftmax. With no hidden layer it is multinomial logistic regression.
 *
 * <p>All trainable parameters live in one native block ({@link #parameters()}) and their gradients in a
 * second block of the same layout ({@link #gradients()}), so that optimizers and norms run over one flat
 * vector. BatchNorm running statistics are buffers, not parameters. Activations live in a workspace sized for
 * the largest batch seen so far; it is reused from call to call, so one network serves one thread at a time.
 */
final class DenseNetwork implements AutoCloseable {
    static final float LEAKY_SLOPE = 0.01f;
    static final double BN_EPSILON = 1e-5;
    static final double BN_MOMENTUM = 0.1;

    /** One named block of state: a parameter (with its gradient) or a buffer. */
    record Entry(String name, long[] shape, NativeFloats values, NativeFloats gradient) {
        boolean trainable() {
            return gradient != null;
        }
    }

    private final int[] widths;
    private final int layerCount;
    private final NativeFloats parameters;
    private final NativeFloats gradients;
    private final NativeFloats buffers;
    private final NativeFloats[] weight;
    private final NativeFloats[] bias;
    private final NativeFloats[] gamma;
    private final NativeFloats[] beta;
    private final NativeFloats[] weightGrad;
    private final NativeFloats[] biasGrad;
    private final NativeFloats[] gammaGrad;
    private final NativeFloats[] betaGrad;
    private final NativeFloats[] runningMean;
    private final NativeFloats[] runningVar;
    private final long[] batchesTracked;
    private final List<Entry> entries;
    private final ParallelGemm gemm;

    // Per-column scratch, sized for the widest layer: no garbage per step.
    private final float[] columnA;
    private final float[] columnB;
    private final float[] columnC;
    private final double[] sumA;
    private final double[] sumB;
    // Per-thread scratch: partial column sums of a row chunk, and rows copied out of native memory so that the
    // loops run over Java arrays, which C2 vectorises (loops over direct buffers it does not).
    private final float[][] partialA;
    private final float[][] partialB;
    private final float[][] rowA;
    private final float[][] rowB;
    private final float[][] batchMean;
    private final float[][] batchInvStd;

    // Workspace for the activations of up to `capacity` examples.
    private int capacity;
    private NativeFloats input;
    private NativeFloats[] activated;
    private NativeFloats[] output;
    private NativeFloats[] outputGrad;

    /**
     * Builds the network with freshly initialised weights like PyTorch's defaults: weights and biases of a layer
     * with {@code fanIn} inputs uniform in {@code ±1/sqrt(fanIn)}, BatchNorm scale 1 and shift 0, running mean 0
     * and variance 1. The same seed gives the same weights.
     *
     * @param widths input width, hidden widths..., number of classes
     */
    /**
     * The trainable parameters of a network of {@code widths} (input, hidden..., output): each layer's weights and
     * biases, and a BatchNorm scale and shift per hidden unit. Computed from the widths alone, allocating nothing.
     */
    static long parameterCount(int[] widths) {
        long count = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            count += (long) widths[l + 1] * widths[l] + widths[l + 1];
            if (l + 2 < widths.length) {
                count += 2L * widths[l + 1];
            }
        }
        return count;
    }

    DenseNetwork(int[] widths, long seed, int threads) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("need at least an input and an output width");
        }
        for (int w : widths) {
            if (w <= 0) {
                throw new IllegalArgumentException(
                        "layer widths must be positive: " + java.util.Arrays.toString(widths));
            }
        }
        this.widths = widths.clone();
        this.layerCount = widths.length - 1;
        long parameterCount = parameterCount(widths);
        long bufferCount = 0;
        int widest = 0;
        for (int l = 0; l < layerCount; l++) {
            if (isHidden(l)) {
                bufferCount += 2L * widths[l + 1];
            }
            widest = Math.max(widest, Math.max(widths[l], widths[l + 1]));
        }
        if (parameterCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many parameters: " + parameterCount);
        }
        parameters = NativeFloats.allocate((int) parameterCount);
        gradients = NativeFloats.allocate((int) parameterCount);
        buffers = NativeFloats.allocate((int) bufferCount);
        weight = new NativeFloats[layerCount];
        bias = new NativeFloats[layerCount];
        gamma = new NativeFloats[layerCount];
        beta = new NativeFloats[layerCount];
        weightGrad = new NativeFloats[layerCount];
        biasGrad = new NativeFloats[layerCount];
        gammaGrad = new NativeFloats[layerCount];
        betaGrad = new NativeFloats[layerCount];
        runningMean = new NativeFloats[layerCount];
        runningVar = new NativeFloats[layerCount];
        batchesTracked = new long[layerCount];
        batchMean = new float[layerCount][];
        batchInvStd = new float[layerCount][];
        List<Entry> list = new ArrayList<>();
        int p = 0;
        int b = 0;
        for (int l = 0; l < layerCount; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            weight[l] = parameters.view(p, out * in);
            weightGrad[l] = gradients.view(p, out * in);
            p += out * in;
            bias[l] = parameters.view(p, out);
            biasGrad[l] = gradients.view(p, out);
            p += out;
            list.add(new Entry("layers." + (3 * l) + ".weight", new long[] {out, in}, weight[l], weightGrad[l]));
            list.add(new Entry("layers." + (3 * l) + ".bias", new long[] {out}, bias[l], biasGrad[l]));
            if (isHidden(l)) {
                gamma[l] = parameters.view(p, out);
                gammaGrad[l] = gradients.view(p, out);
                p += out;
                beta[l] = parameters.view(p, out);
                betaGrad[l] = gradients.view(p, out);
                p += out;
                runningMean[l] = buffers.view(b, out);
                b += out;
                runningVar[l] = buffers.view(b, out);
                b += out;
                batchMean[l] = new float[out];
                batchInvStd[l] = new float[out];
                String bn = "layers." + (3 * l + 2);
                list.add(new Entry(bn + ".weight", new long[] {out}, gamma[l], gammaGrad[l]));
                list.add(new Entry(bn + ".bias", new long[] {out}, beta[l], betaGrad[l]));
                list.add(new Entry(bn + ".running_mean", new long[] {out}, runningMean[l], null));
                list.add(new Entry(bn + ".running_var", new long[] {out}, runningVar[l], null));
            }
        }
        entries = Collections.unmodifiableList(list);
        columnA = new float[widest];
        columnB = new float[widest];
        columnC = new float[widest];
        sumA = new double[widest];
        sumB = new double[widest];
        initialise(seed);
        gemm = new ParallelGemm(threads);
        partialA = new float[gemm.threads()][widest];
        partialB = new float[gemm.threads()][widest];
        rowA = new float[gemm.threads()][widest];
        rowB = new float[gemm.threads()][widest];
    }

    private void initialise(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < layerCount; l++) {
            double bound = 1.0 / Math.sqrt(widths[l]);
            fillUniform(weight[l], random, bound);
            fillUniform(bias[l], random, bound);
            if (isHidden(l)) {
                gamma[l].fill(1f);
                beta[l].fill(0f);
                runningMean[l].fill(0f);
                runningVar[l].fill(1f);
                batchesTracked[l] = 0;
            }
        }
    }

    private static void fillUniform(NativeFloats target, SplittableRandom random, double bound) {
        FloatBuffer buf = target.buffer();
        for (int i = 0; i < target.length(); i++) {
            buf.put(i, (float) ((random.nextDouble() * 2 - 1) * bound));
        }
    }

    boolean isHidden(int layer) {
        return layer < layerCount - 1;
    }

    int[] widths() {
        return widths.clone();
    }

    int layerCount() {
        return layerCount;
    }

    int inputWidth() {
        return widths[0];
    }

    int classCount() {
        return widths[layerCount];
    }

    NativeFloats parameters() {
        return parameters;
    }

    NativeFloats gradients() {
        return gradients;
    }

    /** Parameters then buffers, in PyTorch's state-dict order and naming. */
    List<Entry> entries() {
        return entries;
    }

    long batchesTracked(int layer) {
        return batchesTracked[layer];
    }

    void setBatchesTracked(int layer, long count) {
        batchesTracked[layer] = count;
    }

    NativeFloats weight(int layer) {
        return weight[layer];
    }

    NativeFloats bias(int layer) {
        return bias[layer];
    }

    NativeFloats gamma(int layer) {
        return gamma[layer];
    }

    NativeFloats beta(int layer) {
        return beta[layer];
    }

    NativeFloats runningMean(int layer) {
        return runningMean[layer];
    }

    NativeFloats runningVar(int layer) {
        return runningVar[layer];
    }

    /** The BatchNorm of hidden layer {@code layer} in evaluation mode, as an affine map; reads the state only. */
    BatchNormFolding.Affine evaluationBatchNorm(int layer) {
        return BatchNormFolding.affine(
                gamma[layer].toArray(),
                beta[layer].toArray(),
                runningMean[layer].toArray(),
                runningVar[layer].toArray(),
                BN_EPSILON);
    }

    private void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        closeWorkspace();
        int cap = Math.max(n, 1);
        input = NativeFloats.allocate(cap * widths[0]);
        activated = new NativeFloats[layerCount];
        output = new NativeFloats[layerCount];
        outputGrad = new NativeFloats[layerCount];
        for (int l = 0; l < layerCount; l++) {
            int out = widths[l + 1];
            if (isHidden(l)) {
                activated[l] = NativeFloats.allocate(cap * out);
            }
            output[l] = NativeFloats.allocate(cap * out);
            outputGrad[l] = NativeFloats.allocate(cap * out);
        }
        capacity = cap;
    }

    private NativeFloats layerInput(int layer) {
        return layer == 0 ? input : output[layer - 1];
    }

    /**
     * Evaluation-mode forward pass (BatchNorm with running statistics) of {@code n} examples whose features are
     * {@code features[0 .. n*inputWidth)}; writes log-probabilities to {@code out[0 .. n*classes)}. Mutates only
     * the workspace and {@code out}.
     */
    void predict(float[] features, int n, float[] out) {
        forward(features, n, false);
        output[layerCount - 1].buffer().get(0, out, 0, n * classCount());
    }

    /**
     * The forward pass into the workspace, ending in log-probabilities: BatchNorm in training mode (batch statistics,
     * running statistics updated) or in evaluation mode (running statistics).
     */
    private void forward(float[] features, int n, boolean training) {
        ensureCapacity(n);
        input.buffer().put(0, features, 0, n * widths[0]);
        for (int l = 0; l < layerCount; l++) {
            int in = widths[l];
            int width = widths[l + 1];
            if (isHidden(l)) {
                gemm.multiplyTransposedB(
                        layerInput(l).pointer(), weight[l].pointer(), activated[l].pointer(), n, width, in);
                if (training) {
                    trainActivation(l, n);
                } else {
                    evalActivation(l, n);
                }
            } else {
                gemm.multiplyTransposedB(
                        layerInput(l).pointer(), weight[l].pointer(), output[l].pointer(), n, width, in);
                addBiasLogSoftmax(l, n);
            }
        }
    }

    /**
     * Training-mode forward pass, loss and backward pass for one minibatch: BatchNorm normalises with the batch
     * statistics and updates its running statistics (momentum 0.1, unbiased variance), and
     * {@link #gradients()} receives the gradients of the mean negative log-likelihood (overwritten, not
     * accumulated). Throws IllegalArgumentException for a batch of one example when the network has
     * BatchNorm (its variance is undefined).
     *
     * @return the mean loss in {@code [0]} and the number of correct predictions in {@code [1]}
     */
    void trainStep(float[] features, int[] labels, int n, double[] lossAndCorrect) {
        if (n < 2 && layerCount > 1) {
            throw new IllegalArgumentException("BatchNorm needs at least 2 examples per training batch, got " + n);
        }
        forward(features, n, true);
        lossAndGradient(labels, n, lossAndCorrect);
        for (int l = layerCount - 1; l >= 0; l--) {
            int in = widths[l];
            int width = widths[l + 1];
            if (isHidden(l)) {
                batchNormBackward(l, n);
            } else {
                columnSums(outputGrad[l].buffer(), n, width, biasGrad[l].buffer());
            }
            gemm.multiplyTransposedA(
                    outputGrad[l].pointer(), layerInput(l).pointer(), weightGrad[l].pointer(), width, in, n);
            if (l > 0) {
                gemm.multiply(outputGrad[l].pointer(), weight[l].pointer(), outputGrad[l - 1].pointer(), n, in, width);
            }
        }
    }

    /** Evaluation: {@code y = BN_running(leaky(z + b))} in one pass over the layer. */
    private void evalActivation(int l, int n) {
        int width = widths[l + 1];
        FloatBuffer a = activated[l].buffer();
        FloatBuffer y = output[l].buffer();
        float[] b = columnA;
        float[] scale = columnB;
        float[] shift = columnC;
        FloatBuffer g = gamma[l].buffer();
        FloatBuffer be = beta[l].buffer();
        FloatBuffer rm = runningMean[l].buffer();
        FloatBuffer rv = runningVar[l].buffer();
        FloatBuffer bb = bias[l].buffer();
        for (int c = 0; c < width; c++) {
            b[c] = bb.get(c);
            float s = (float) (g.get(c) / Math.sqrt(rv.get(c) + BN_EPSILON));
            scale[c] = s;
            shift[c] = be.get(c) - rm.get(c) * s;
        }
        gemm.forRows(n, width, (r0, r1, chunk) -> {
            float[] row = rowA[chunk];
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                a.get(base, row, 0, width);
                addBiasLeakyRelu(row, b, width);
                scaleAndShift(row, scale, shift, width);
                y.put(base, row, 0, width);
            }
        });
    }

    /**
     * {@code row[c] = LeakyReLU(row[c] + bias[c])} for the first {@code width} entries. Training and evaluation share
     * this and {@link #scaleAndShift}, so the first evaluation pass after training runs code the training steps have
     * already compiled instead of interpreting a loop of its own (measured: about 70 ms more for a cold validation
     * pass of the fc model). Mutates {@code row}.
     */
    private static void addBiasLeakyRelu(float[] row, float[] bias, int width) {
        for (int c = 0; c < width; c++) {
            float v = row[c] + bias[c];
            row[c] = Math.max(v, v * LEAKY_SLOPE);
        }
    }

    /** {@code row[c] = row[c] * scale[c] + shift[c]} for the first {@code width} entries: BatchNorm's affine map. */
    private static void scaleAndShift(float[] row, float[] scale, float[] shift, int width) {
        for (int c = 0; c < width; c++) {
            row[c] = row[c] * scale[c] + shift[c];
        }
    }

    /**
     * Training: {@code a = leaky(z + b)} kept for the backward pass, batch statistics, running statistics update,
     * then {@code y = gamma (a - mean) / sqrt(var + eps) + beta} with the biased batch variance.
     */
    private void trainActivation(int l, int n) {
        int width = widths[l + 1];
        FloatBuffer a = activated[l].buffer();
        FloatBuffer y = output[l].buffer();
        float[] b = columnA;
        float[] shiftBy = columnC;
        FloatBuffer bb = bias[l].buffer();
        FloatBuffer rm = runningMean[l].buffer();
        for (int c = 0; c < width; c++) {
            b[c] = bb.get(c);
            // Sums of (a - running mean) keep the one-pass variance free of cancellation in float.
            shiftBy[c] = rm.get(c);
        }
        int chunks = gemm.forRows(n, width, (r0, r1, chunk) -> {
            float[] sum = partialA[chunk];
            float[] sumSq = partialB[chunk];
            float[] row = rowA[chunk];
            java.util.Arrays.fill(sum, 0, width, 0f);
            java.util.Arrays.fill(sumSq, 0, width, 0f);
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                a.get(base, row, 0, width);
                addBiasLeakyRelu(row, b, width);
                for (int c = 0; c < width; c++) {
                    float d = row[c] - shiftBy[c];
                    sum[c] += d;
                    sumSq[c] += d * d;
                }
                a.put(base, row, 0, width);
            }
        });
        double[] sum = sumA;
        double[] sumSq = sumB;
        combine(chunks, width, sum, sumSq);
        float[] mean = batchMean[l];
        float[] invStd = batchInvStd[l];
        float[] scale = columnB;
        float[] shift = columnC;
        FloatBuffer g = gamma[l].buffer();
        FloatBuffer be = beta[l].buffer();
        FloatBuffer rv = runningVar[l].buffer();
        double unbias = (double) n / (n - 1);
        for (int c = 0; c < width; c++) {
            double shifted = sum[c] / n;
            double m = shiftBy[c] + shifted;
            double var = Math.max(0.0, sumSq[c] / n - shifted * shifted);
            double is = 1.0 / Math.sqrt(var + BN_EPSILON);
            mean[c] = (float) m;
            invStd[c] = (float) is;
            float s = (float) (g.get(c) * is);
            scale[c] = s;
            shift[c] = (float) (be.get(c) - m * s);
            rm.put(c, (float) ((1 - BN_MOMENTUM) * rm.get(c) + BN_MOMENTUM * m));
            rv.put(c, (float) ((1 - BN_MOMENTUM) * rv.get(c) + BN_MOMENTUM * var * unbias));
        }
        batchesTracked[l]++;
        gemm.forRows(n, width, (r0, r1, chunk) -> {
            float[] row = rowA[chunk];
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                a.get(base, row, 0, width);
                scaleAndShift(row, scale, shift, width);
                y.put(base, row, 0, width);
            }
        });
    }

    /**
     * Adds the chunks' partial column sums: {@code partialA} into {@code first}, {@code partialB} into
     * {@code second}.
     */
    private void combine(int chunks, int width, double[] first, double[] second) {
        for (int c = 0; c < width; c++) {
            double x = 0;
            double z = 0;
            for (int t = 0; t < chunks; t++) {
                x += partialA[t][c];
                z += partialB[t][c];
            }
            first[c] = x;
            second[c] = z;
        }
    }

    /** Adds the bias to the logits and turns each row into log-probabilities, in place. */
    private void addBiasLogSoftmax(int l, int n) {
        int width = widths[l + 1];
        FloatBuffer o = output[l].buffer();
        FloatBuffer bb = bias[l].buffer();
        float[] b = columnA;
        for (int c = 0; c < width; c++) {
            b[c] = bb.get(c);
        }
        gemm.forRows(n, width, (r0, r1, chunk) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < width; c++) {
                    float v = o.get(base + c) + b[c];
                    o.put(base + c, v);
                    max = Math.max(max, v);
                }
                double s = 0;
                for (int c = 0; c < width; c++) {
                    s += Math.exp(o.get(base + c) - max);
                }
                float logSum = (float) (max + Math.log(s));
                for (int c = 0; c < width; c++) {
                    o.put(base + c, o.get(base + c) - logSum);
                }
            }
        });
    }

    /** Mean NLL, correct count, and the gradient of the mean NLL with respect to the logits. */
    private void lossAndGradient(int[] labels, int n, double[] lossAndCorrect) {
        int last = layerCount - 1;
        int k = classCount();
        FloatBuffer o = output[last].buffer();
        FloatBuffer d = outputGrad[last].buffer();
        double loss = 0;
        int correct = 0;
        float invN = 1f / n;
        for (int r = 0; r < n; r++) {
            int base = r * k;
            int label = labels[r];
            if (label < 0 || label >= k) {
                throw new IllegalArgumentException(
                        "label " + label + " of example " + r + " is outside [0, " + k + ")");
            }
            loss -= o.get(base + label);
            int best = 0;
            float bestValue = o.get(base);
            for (int c = 0; c < k; c++) {
                float lp = o.get(base + c);
                if (lp > bestValue) {
                    bestValue = lp;
                    best = c;
                }
                float p = (float) Math.exp(lp);
                d.put(base + c, (c == label ? p - 1f : p) * invN);
            }
            if (best == label) {
                correct++;
            }
        }
        lossAndCorrect[0] = loss / n;
        lossAndCorrect[1] = correct;
    }

    /**
     * Turns the gradient with respect to the layer's BatchNorm output into the gradient with respect to the
     * Linear output (through BatchNorm in training mode and LeakyReLU), in place, and writes the gradients of
     * gamma, beta and the Linear bias.
     */
    private void batchNormBackward(int l, int n) {
        int width = widths[l + 1];
        FloatBuffer a = activated[l].buffer();
        FloatBuffer dy = outputGrad[l].buffer();
        float[] mean = batchMean[l];
        float[] invStd = batchInvStd[l];
        int chunks = gemm.forRows(n, width, (r0, r1, chunk) -> {
            float[] dBetaPart = partialA[chunk];
            float[] centredPart = partialB[chunk];
            float[] g = rowA[chunk];
            float[] av = rowB[chunk];
            java.util.Arrays.fill(dBetaPart, 0, width, 0f);
            java.util.Arrays.fill(centredPart, 0, width, 0f);
            for (int r = r0; r < r1; r++) {
                int base = r * width;
                dy.get(base, g, 0, width);
                a.get(base, av, 0, width);
                for (int c = 0; c < width; c++) {
                    dBetaPart[c] += g[c];
                    centredPart[c] += g[c] * (av[c] - mean[c]);
                }
            }
        });
        double[] dBeta = sumA;
        double[] dGamma = sumB;
        combine(chunks, width, dBeta, dGamma);
        for (int c = 0; c < width; c++) {
            dGamma[c] *= invStd[c];
        }
        FloatBuffer gm = gamma[l].buffer();
        FloatBuffer gg = gammaGrad[l].buffer();
        FloatBuffer bg = betaGrad[l].buffer();
        float[] p = columnA;
        float[] q = columnB;
        float[] r0 = columnC;
        for (int c = 0; c < width; c++) {
            gg.put(c, (float) dGamma[c]);
            bg.put(c, (float) dBeta[c]);
            double pc = gm.get(c) * (double) invStd[c];
            double qc = -pc * invStd[c] * dGamma[c] / n;
            p[c] = (float) pc;
            q[c] = (float) qc;
            r0[c] = (float) (-qc * mean[c] - pc * dBeta[c] / n);
        }
        chunks = gemm.forRows(n, width, (rowStart, rowEnd, chunk) -> {
            float[] dBiasPart = partialA[chunk];
            float[] g = rowA[chunk];
            float[] av = rowB[chunk];
            java.util.Arrays.fill(dBiasPart, 0, width, 0f);
            for (int r = rowStart; r < rowEnd; r++) {
                int base = r * width;
                dy.get(base, g, 0, width);
                a.get(base, av, 0, width);
                for (int c = 0; c < width; c++) {
                    float da = p[c] * g[c] + q[c] * av[c] + r0[c];
                    float dz = av[c] > 0 ? da : da * LEAKY_SLOPE;
                    g[c] = dz;
                    dBiasPart[c] += dz;
                }
                dy.put(base, g, 0, width);
            }
        });
        FloatBuffer biasG = biasGrad[l].buffer();
        for (int c = 0; c < width; c++) {
            double s = 0;
            for (int t = 0; t < chunks; t++) {
                s += partialA[t][c];
            }
            biasG.put(c, (float) s);
        }
    }

    private void columnSums(FloatBuffer m, int n, int width, FloatBuffer target) {
        double[] s = sumA;
        for (int c = 0; c < width; c++) {
            s[c] = 0;
        }
        for (int r = 0; r < n; r++) {
            int base = r * width;
            for (int c = 0; c < width; c++) {
                s[c] += m.get(base + c);
            }
        }
        for (int c = 0; c < width; c++) {
            target.put(c, (float) s[c]);
        }
    }

    private void closeWorkspace() {
        if (input != null) {
            input.close();
            for (int l = 0; l < layerCount; l++) {
                if (activated[l] != null) {
                    activated[l].close();
                }
                output[l].close();
                outputGrad[l].close();
            }
            input = null;
            capacity = 0;
        }
    }

    /** Releases the native memory; the network must not be used afterwards. */
    @Override
    public void close() {
        closeWorkspace();
        gemm.close();
        parameters.close();
        gradients.close();
        buffers.close();
    }
}
