package org.mltoolkit.plugin.support.optim;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
    private final ExecutorService helpers;
    private final double[][] partials;
    private final Future<?>[] pending;

    /** Throws IllegalArgumentException when {@code threads} is below 1. */
    ParallelChunks(int threads, int partialSize) {
        if (threads < 1) {
            throw new IllegalArgumentException("an optimizer needs at least 1 thread, got " + threads);
        }
        this.threads = threads;
        this.helpers = threads > 1
                ? Executors.newFixedThreadPool(threads - 1, r -> {
                    Thread t = new Thread(r, "optimizer");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        this.partials = new double[threads][partialSize];
        this.pending = new Future<?>[threads];
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, length)} and adds the partial sums into {@code totals}, chunk by chunk in
     * order. Rethrows a helper's failure as IllegalStateException.
     */
    void run(int length, Body body, double[] totals) {
        int chunks = length < SPLIT_THRESHOLD ? 1 : threads;
        int per = (length + chunks - 1) / chunks;
        for (int c = 0; c < chunks - 1; c++) {
            int from = c * per;
            int to = Math.min(length, from + per);
            double[] partial = partials[c];
            Arrays.fill(partial, 0);
            int chunk = c;
            pending[c] = helpers.submit(() -> body.run(from, to, chunk, partial));
        }
        double[] last = partials[chunks - 1];
        Arrays.fill(last, 0);
        body.run((chunks - 1) * per, length, chunks - 1, last);
        for (int c = 0; c < chunks - 1; c++) {
            try {
                pending[c].get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the optimizer update", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("optimizer update failed", e.getCause());
            } finally {
                pending[c] = null;
            }
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
            helpers.shutdownNow();
        }
    }
}
