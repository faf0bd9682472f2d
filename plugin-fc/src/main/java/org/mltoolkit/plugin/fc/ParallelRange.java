package org.mltoolkit.plugin.fc;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits an index range into one contiguous chunk per thread; the calling thread takes the last chunk.
 * Used for the optimizer's element-wise pass over all parameters.
 */
final class ParallelRange implements AutoCloseable {
    /** Work on {@code [from, to)} as chunk number {@code chunk}; writes what it sums into {@code partial}. */
    interface Body {
        void run(int from, int to, int chunk, double[] partial);
    }

    private final int threads;
    private final ExecutorService helpers;
    private final double[][] partials;
    private final Future<?>[] pending;

    int threads() {
        return threads;
    }

    ParallelRange(int threads, int partialSize) {
        this.threads = Math.max(1, threads);
        this.helpers = this.threads > 1
                ? Executors.newFixedThreadPool(this.threads - 1, r -> {
                    Thread t = new Thread(r, "fc-optimizer");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        this.partials = new double[this.threads][partialSize];
        this.pending = new Future<?>[this.threads];
    }

    /**
     * Runs {@code body} over {@code [0, length)} and adds the partial sums into {@code totals}. Rethrows a
     * helper's failure as IllegalStateException.
     */
    void run(int length, Body body, double[] totals) {
        int chunks = length < 65_536 ? 1 : threads;
        int per = (length + chunks - 1) / chunks;
        for (int c = 0; c < chunks - 1; c++) {
            int from = c * per;
            int to = Math.min(length, from + per);
            double[] partial = partials[c];
            java.util.Arrays.fill(partial, 0);
            int chunk = c;
            pending[c] = helpers.submit(() -> body.run(from, to, chunk, partial));
        }
        double[] last = partials[chunks - 1];
        java.util.Arrays.fill(last, 0);
        body.run((chunks - 1) * per, length, chunks - 1, last);
        for (int c = 0; c < chunks - 1; c++) {
            try {
                pending[c].get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the optimizer update", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("optimizer update failed", e.getCause());
            }
            pending[c] = null;
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
