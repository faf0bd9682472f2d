package org.mltoolkit.core.engine;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.LabeledData;

/**
 * Minibatches over a subset of a dataset, like a PyTorch {@code DataLoader} without {@code drop_last}: the
 * last batch of an epoch may be smaller, unless it would be smaller than the minimum batch
 * ({@link #withMinimumBatch(int)}), in which case each epoch leaves it out. When shuffling, each epoch's order is a permutation drawn from
 * {@code (seed, epoch)} alone, so a resumed run sees the same batches as an uninterrupted one. With an
 * {@link Augmentation}, each example is transformed as it is copied into its batch, by a transform drawn from
 * {@code (seed, epoch, example index)} alone.
 *
 * <p>One pair of arrays is reused for every batch: a batch is valid only until the iterator's next call.
 * Not thread-safe. The data is read example by example into the batch (as floats), never written.
 */
public final class BatchLoader implements BatchSource {
    private final LabeledData data;
    private final int[] indices;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final InputLayout layout;
    private final float[] features;
    /** The batch's examples before augmentation, or null without it: the augmentation's source. */
    private final float[] unaugmented;

    private final int[] labels;
    private final int[] order;
    private final Augmentation augmentation;
    /** The examples each epoch visits: all of {@code indices} but a last batch smaller than the minimum. */
    private final int perEpoch;
    /** The smallest batch an epoch may end with; a smaller last batch is left out. */
    private final int minimumBatch;
    /** The threads that augment a batch's examples. */
    private final ParallelExamples workers;

    /**
     * @param indices   the examples of {@code data} to visit (copied)
     * @param shuffle   reshuffle every epoch; otherwise visit {@code indices} in the given order
     * @param seed      the run's seed; ignored without shuffling
     * @param layout    the shape the model declared for its batches
     */
    public BatchLoader(LabeledData data, int[] indices, int batchSize, boolean shuffle, long seed, InputLayout layout) {
        this(data, indices, batchSize, shuffle, seed, layout, Augmentation.NONE);
    }

    /**
     * As {@link #BatchLoader(LabeledData, int[], int, boolean, long, InputLayout)}, with every example of every
     * batch transformed by {@code augmentation} (for training batches; {@link Augmentation#NONE} copies them as
     * they are). The transforms depend on {@code seed} whether or not the loader shuffles.
     */
    public BatchLoader(
            LabeledData data,
            int[] indices,
            int batchSize,
            boolean shuffle,
            long seed,
            InputLayout layout,
            Augmentation augmentation) {
        this(data, indices, batchSize, shuffle, seed, layout, augmentation, 1, ParallelExamples.SERIAL);
    }

    private BatchLoader(
            LabeledData data,
            int[] indices,
            int batchSize,
            boolean shuffle,
            long seed,
            InputLayout layout,
            Augmentation augmentation,
            int minimumBatch,
            ParallelExamples workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        for (int index : indices) {
            if (index < 0 || index >= data.size()) {
                throw new IllegalArgumentException("index " + index + " outside a dataset of " + data.size());
            }
        }
        this.data = data;
        this.indices = indices.clone();
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.layout = layout;
        int capacity = Math.min(batchSize, Math.max(1, indices.length));
        this.features = new float[capacity * data.shape().size()];
        this.labels = new int[capacity];
        this.order = this.indices.clone();
        this.augmentation = java.util.Objects.requireNonNull(augmentation, "augmentation");
        this.unaugmented = augmentation.enabled() ? new float[features.length] : null;
        if (minimumBatch < 1 || minimumBatch > batchSize) {
            throw new IllegalArgumentException(
                    "minimum batch must be between 1 and the batch size " + batchSize + ", got " + minimumBatch);
        }
        int last = indices.length % batchSize;
        this.perEpoch = last > 0 && last < minimumBatch ? indices.length - last : indices.length;
        this.minimumBatch = minimumBatch;
        this.workers = java.util.Objects.requireNonNull(workers, "workers");
    }

    /**
     * This loader with batches of at least {@code minimum} examples: a last batch of an epoch that would be smaller
     * is left out of that epoch (a different set of examples each epoch when shuffling). This loader is unchanged.
     * Throws IllegalArgumentException when {@code minimum} is below 1 or above the batch size.
     */
    public BatchLoader withMinimumBatch(int minimum) {
        return new BatchLoader(data, indices, batchSize, shuffle, seed, layout, augmentation, minimum, workers);
    }

    /**
     * This loader with each batch's examples augmented on {@code workers}' threads (the caller keeps them open while
     * it reads batches, and closes them). The batches are the same whatever the thread count: each example's
     * transform is drawn from the seed, the epoch and the example alone. Without augmentation the copy stays on the
     * calling thread. This loader is unchanged.
     */
    public BatchLoader withWorkers(ParallelExamples workers) {
        return new BatchLoader(data, indices, batchSize, shuffle, seed, layout, augmentation, minimumBatch, workers);
    }

    /** The examples of an epoch left out because its last batch would be smaller than the minimum batch. */
    public int droppedPerEpoch() {
        return indices.length - perEpoch;
    }

    /** A loader over every example of {@code data} in order: for test sets. */
    public static BatchLoader sequential(LabeledData data, int batchSize, InputLayout layout) {
        int[] all = new int[data.size()];
        java.util.Arrays.setAll(all, i -> i);
        return new BatchLoader(data, all, batchSize, false, 0, layout);
    }

    @Override
    public int examples() {
        return perEpoch;
    }

    @Override
    public int batchesPerEpoch() {
        return (perEpoch + batchSize - 1) / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public int numClasses() {
        return data.numClasses();
    }

    /** The order in which {@code epoch} visits the examples (indices into the data); a fresh array. */
    public int[] epochOrder(int epoch) {
        int[] result = indices.clone();
        if (shuffle) {
            Seeds.shuffle(result, Seeds.derive(seed, epoch));
        }
        return result;
    }

    @Override
    public Iterator<Batch> batches(int epoch) {
        int[] epochOrder = epochOrder(epoch);
        System.arraycopy(epochOrder, 0, order, 0, order.length);
        ExampleShape shape = data.shape();
        int exampleSize = shape.size();
        int[] sourceLabels = data.labels();
        return new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() {
                return position < perEpoch;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int size = Math.min(batchSize, perEpoch - position);
                int start = position;
                if (augmentation.enabled()) {
                    workers.forEach(size, i -> {
                        int example = order[start + i];
                        data.copyExample(example, unaugmented, i * exampleSize);
                        augmentation
                                .draw(seed, epoch, example)
                                .apply(
                                        unaugmented,
                                        i * exampleSize,
                                        features,
                                        i * exampleSize,
                                        shape.channels(),
                                        shape.height(),
                                        shape.width());
                    });
                } else {
                    data.copyExamples(order, start, size, features, 0);
                }
                for (int i = 0; i < size; i++) {
                    labels[i] = sourceLabels[order[start + i]];
                }
                position += size;
                return new Batch(features, labels, size, shape, layout);
            }
        };
    }
}
