package org.mltoolkit.plugin.support.optim;

import java.util.Arrays;
import java.util.concurrent.Future;
import org.mltoolkit.plugin.support.parallel.HelperThreads;

/**
 * Splits an index range into one contiguous chunk per thread; the calling thread takes the last chunk, and
 * {@code threads - 1} daemon helpers the others. Ranges shorter than {@value #SPLIT_THRESHOLD} run on the calling
 * thread alone, where handing work over would cost more than it saves.
 */
final class ParallelChunks implements AutoCloseable {
    static final int SPLIT_THRESHOLD = 65_536;

    /** Work on {@code [from, to)} as chunk number {@code chunk}; writes what it sums into {@code partial}. */
    interface Body {
        void run(int from, int to, int chunk, double[] partial);
    }

    private final int threads;
    private final HelperThreads helpers;
    private final double[][] partials;
    private final Future<?>[] pending;

    /** Throws IllegalArgumentException when {@code threads} is below 1. */
    ParallelChunks(int threads, int partialSize) {
        if (threads < 1) {
            throw new IllegalArgumentException("an optimizer needs at least 1 thread, got " + threads);
        }
        this.threads = threads;
        this.helpers = threads > 1 ? new HelperThreads(threads - 1, "optimizer") : null;
        this.partials = new double[threads][partialSize];
        this.pending = new Future<?>[threads];
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, length)} and adds the partial sums into {@code totals}, chunk by chunk in
     * order. Returns only when every chunk handed to a helper has finished, also when one fails, since they may write
     * into memory the caller frees next. Rethrows the calling thread's failure as it is, and a helper's failure (or
     * an interrupt, which stays set) as IllegalStateException.
     */
    void run(int length, Body body, double[] totals) {
        int chunks = length < SPLIT_THRESHOLD ? 1 : threads;
        int per = (length + chunks - 1) / chunks;
        int submitted = 0;
        try {
            for (int c = 0; c < chunks - 1; c++) {
                int from = c * per;
                int to = Math.min(length, from + per);
                double[] partial = partials[c];
                Arrays.fill(partial, 0);
                int chunk = c;
                pending[c] = helpers.submit(() -> body.run(from, to, chunk, partial));
                submitted++;
            }
            double[] last = partials[chunks - 1];
            Arrays.fill(last, 0);
            body.run((chunks - 1) * per, length, chunks - 1, last);
        } finally {
            HelperThreads.awaitAll(pending, submitted, "the optimizer update");
        }
        for (int c = 0; c < chunks; c++) {
            for (int i = 0; i < totals.length; i++) {
                totals[i] += partials[c][i];
            }
        }
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.close();
        }
    }
}
