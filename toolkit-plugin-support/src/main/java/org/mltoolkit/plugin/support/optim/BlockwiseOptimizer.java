package org.mltoolkit.plugin.support.optim;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;

/**
 * The machinery {@link Adam} and {@link Sgd} share: the parameters seen as one flat range (parameter after
 * parameter, in the order given), split into one chunk per thread, each chunk walked in blocks of {@value #BLOCK}
 * elements that are copied from the buffers into Java arrays, updated there by the subclass, and copied back. The
 * moments are Java arrays over the same flat range, in named slots. The state names tensors
 * {@code <slot>.<parameter>} and {@code step}.
 */
abstract class BlockwiseOptimizer implements Optimizer {
    /** Elements per block: the copies of a block's values and gradients stay in the first-level cache. */
    static final int BLOCK = 2048;

    private static final String STEP = "step";

    private final String kind;
    private final List<Parameter> parameters;
    private final FloatBuffer[] values;
    private final FloatBuffer[] gradients;
    /** {@code offsets[k]} is where parameter k starts in the flat range; {@code offsets[n]} is its length. */
    private final int[] offsets;

    private final Map<String, float[]> slots = new LinkedHashMap<>();
    private final ParallelChunks parallel;
    /** Per chunk: the block of values, the block of gradients, and the two float sums of squares of a block. */
    private final float[][] valueBlocks;

    private final float[][] gradientBlocks;
    private final float[][] blockSums;
    private double learningRate;
    private long step;

    /**
     * Throws IllegalArgumentException for two parameters of one name or more elements than one array holds, and
     * InvalidConfigurationException for a learning rate that is not a positive, finite number.
     */
    BlockwiseOptimizer(String kind, List<Parameter> parameters, double learningRate, int threads) {
        this.kind = kind;
        this.parameters = List.copyOf(parameters);
        this.values = new FloatBuffer[this.parameters.size()];
        this.gradients = new FloatBuffer[this.parameters.size()];
        this.offsets = new int[this.parameters.size() + 1];
        Set<String> names = new LinkedHashSet<>();
        long total = 0;
        for (int k = 0; k < this.parameters.size(); k++) {
            Parameter p = this.parameters.get(k);
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("two parameters are named '" + p.name() + "'");
            }
            values[k] = p.values();
            gradients[k] = p.gradients();
            offsets[k] = (int) total;
            total += p.size();
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the parameters hold more than " + Integer.MAX_VALUE
                        + " elements; one optimizer cannot" + " update them");
            }
        }
        offsets[this.parameters.size()] = (int) total;
        this.learningRate = checkedLearningRate(learningRate);
        this.parallel = new ParallelChunks(threads, 2);
        this.valueBlocks = new float[parallel.threads()][BLOCK];
        this.gradientBlocks = new float[parallel.threads()][BLOCK];
        this.blockSums = new float[parallel.threads()][2];
    }

    /** Adds a moment slot of zeros over the flat range; its tensors are named {@code <slot>.<parameter>}. */
    final float[] addSlot(String slot) {
        float[] moments = new float[length()];
        slots.put(slot, moments);
        return moments;
    }

    /** The number of elements of all parameters together. */
    final int length() {
        return offsets[offsets.length - 1];
    }

    /** The number of chunks a step is split into at most, one per thread; chunk numbers are below it. */
    final int chunkCount() {
        return parallel.threads();
    }

    /** The number of steps taken, the one being computed included. */
    final long stepCount() {
        return step;
    }

    /** Computes what is constant over one step (bias corrections, the learning rate as a float). */
    abstract void prepareStep();

    /**
     * Updates one block: {@code values[0..length)} (mutated) from {@code gradients[0..length)} (which the
     * subclass may overwrite), the moments at {@code [offset, offset + length)} of the flat range. Writes the float
     * sums of squares of the values before the update and of the gradients as given, each summed in index order, to
     * {@code sums[0]} and {@code sums[1]}. Blocks of different chunks run at once on different threads; a subclass
     * keeps its scratch arrays per chunk.
     *
     * <p>Loops should index every array by the same {@code i}: C2 vectorises {@code a[i] = f(b[i])} but not
     * {@code a[i] = f(m[offset + i])}, where it cannot rule out that the two arrays overlap at a distance. So the
     * moments are copied into scratch blocks and back, like the values.
     */
    abstract void updateBlock(float[] values, float[] gradients, int offset, int length, int chunk, float[] sums);

    @Override
    public final SquaredNorms step() {
        step++;
        prepareStep();
        double[] totals = new double[2];
        parallel.run(
                length(),
                (from, to, chunk, partial) -> {
                    float[] v = valueBlocks[chunk];
                    float[] g = gradientBlocks[chunk];
                    float[] sums = blockSums[chunk];
                    double valueSquares = 0;
                    double gradientSquares = 0;
                    for (int start = from; start < to; start += BLOCK) {
                        int len = Math.min(BLOCK, to - start);
                        copy(values, start, v, len, true);
                        copy(gradients, start, g, len, true);
                        updateBlock(v, g, start, len, chunk, sums);
                        valueSquares += sums[0];
                        gradientSquares += sums[1];
                        copy(values, start, v, len, false);
                    }
                    partial[0] = valueSquares;
                    partial[1] = gradientSquares;
                },
                totals);
        return new SquaredNorms(totals[0], totals[1]);
    }

    /**
     * Copies {@code [start, start + length)} of the flat range between the buffers and {@code block}: into the block
     * when {@code read}, else back into the buffers. A block may span several parameters.
     */
    private void copy(FloatBuffer[] buffers, int start, float[] block, int length, boolean read) {
        int k = parameterAt(start);
        int done = 0;
        while (done < length) {
            int inParameter = start + done - offsets[k];
            int count = Math.min(length - done, offsets[k + 1] - offsets[k] - inParameter);
            if (read) {
                buffers[k].get(inParameter, block, done, count);
            } else {
                buffers[k].put(inParameter, block, done, count);
            }
            done += count;
            k++;
        }
    }

    /** The index of the parameter that holds flat position {@code index} (skipping empty parameters). */
    private int parameterAt(int index) {
        int found = Arrays.binarySearch(offsets, index);
        if (found < 0) {
            return -found - 2;
        }
        // Several parameters may start here when some are empty: take the last, which holds the element.
        while (found + 1 < offsets.length - 1 && offsets[found + 1] == index) {
            found++;
        }
        return found;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        this.learningRate = checkedLearningRate(learningRate);
    }

    private static double checkedLearningRate(double learningRate) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidConfigurationException("learningRate", learningRate, "must be a positive number");
        }
        return learningRate;
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put(STEP, Tensor.scalar(step));
        for (Map.Entry<String, float[]> slot : slots.entrySet()) {
            for (int k = 0; k < parameters.size(); k++) {
                Parameter p = parameters.get(k);
                state.put(
                        slot.getKey() + "." + p.name(),
                        new Tensor(p.shape(), Arrays.copyOfRange(slot.getValue(), offsets[k], offsets[k + 1])));
            }
        }
        return state;
    }

    @Override
    public final void loadState(Map<String, Tensor> state) {
        long restoredStep = readStep(state);
        List<String> known = new ArrayList<>();
        known.add(STEP);
        for (String slot : slots.keySet()) {
            for (Parameter p : parameters) {
                String key = slot + "." + p.name();
                Tensor t = state.get(key);
                if (t == null) {
                    throw new ToolkitException("optimizer " + kind + ": state entry '" + key
                            + "' is missing; the state holds " + summary(state.keySet()));
                }
                if (!Arrays.equals(t.shape(), p.shape())) {
                    throw new ToolkitException("optimizer " + kind + ": state entry '" + key + "' has shape "
                            + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(p.shape()));
                }
                known.add(key);
            }
        }
        for (String key : state.keySet()) {
            if (!known.contains(key)) {
                throw new ToolkitException("optimizer " + kind + ": unexpected state entry '" + key + "'");
            }
        }
        for (Map.Entry<String, float[]> slot : slots.entrySet()) {
            for (int k = 0; k < parameters.size(); k++) {
                float[] saved = state.get(
                                slot.getKey() + "." + parameters.get(k).name())
                        .data();
                System.arraycopy(saved, 0, slot.getValue(), offsets[k], saved.length);
            }
        }
        step = restoredStep;
    }

    private long readStep(Map<String, Tensor> state) {
        Tensor t = state.get(STEP);
        if (t == null || t.shape().length != 0) {
            throw new ToolkitException("optimizer " + kind + ": state entry '" + STEP + "' is "
                    + (t == null ? "missing" : "not a scalar") + "; the state holds " + summary(state.keySet()));
        }
        float v = t.data()[0];
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new ToolkitException(
                    "optimizer " + kind + ": state entry '" + STEP + "' is " + v + ", expected a whole number >= 0");
        }
        return (long) v;
    }

    /** The kinds of entries, {@code step, exp_avg.*}, not every name: a state has an entry per parameter. */
    private static String summary(Set<String> keys) {
        if (keys.isEmpty()) {
            return "no entries";
        }
        Set<String> kinds = new LinkedHashSet<>();
        for (String key : keys) {
            int dot = key.indexOf('.');
            kinds.add(dot < 0 ? key : key.substring(0, dot) + ".*");
        }
        return String.join(", ", kinds);
    }

    @Override
    public final void close() {
        parallel.close();
    }
}
