package org.mltoolkit.core.testing;

import java.util.Collections;
import java.util.Iterator;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.core.engine.BatchSource;

/** Batch sources for driving an engine without data: the same all-zero batch, over and over. */
public final class Batches {
    private Batches() {}

    /** {@code batches} batches of {@code size} one-pixel examples, every epoch. */
    public static BatchSource repeated(int batches, int size) {
        return new BatchSource() {
            @Override
            public Iterator<Batch> batches(int epoch) {
                Batch b = new Batch(new float[size], new int[size], size, new ExampleShape(1, 1, 1), InputLayout.FLAT);
                return Collections.nCopies(batches, b).iterator();
            }

            @Override
            public int examples() {
                return batches * size;
            }

            @Override
            public int batchesPerEpoch() {
                return batches;
            }
        };
    }
}
