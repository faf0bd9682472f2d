package org.mltoolkit.core.engine;

import java.util.Iterator;
import org.mltoolkit.api.Batch;

/** The minibatches of one epoch, in an order that depends only on the epoch number. */
public interface BatchSource {

    /**
     * The batches of {@code epoch} (1-based). Batches may share their arrays: each batch is valid only until
     * the iterator's next call.
     */
    Iterator<Batch> batches(int epoch);

    /** Number of examples in one epoch. */
    int examples();

    /** Number of batches in one epoch. */
    int batchesPerEpoch();
}
