package org.mltoolkit.plugin.fc;

import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.mltoolkit.plugin.support.parallel.HelperThreads;

/**
 * The three matrix products of a dense layer (and its element-wise passes), each split by rows of its result over
 * {@code threads} Java threads that call single-threaded OpenBLAS. OpenBLAS's own thread pool busy-waits between
 * calls and collapses when the cores are shared with other processes (measured: 3.9 to 63 s an epoch under heavy load,
 * against 4.5 to 5.1 s single-threaded), whereas these threads block and stay fast.
 */
final class ParallelGemm implements AutoCloseable {
    /** Below this many multiply-adds a product runs on the calling thread alone. */
    private static final long SPLIT_THRESHOLD = 1L << 21;

    private final int threads;
    private final HelperThreads helpers;
    private final Future<?>[] pending;

    ParallelGemm(int threads) {
        this.threads = Math.max(1, threads);
        this.helpers = this.threads > 1 ? new HelperThreads(this.threads - 1, "fc-gemm") : null;
        this.pending = new Future<?>[this.threads];
    }

    int threads() {
        return threads;
    }

    /** {@code C[m x n] = A[m x k] * B[n x k]^T}. Mutates {@code c}. */
    void multiplyTransposedB(FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k) {
        int chunks = chunks((long) m * n * k, m);
        if (chunks == 1) {
            NativeBlas.multiplyTransposedB(a, b, c, m, n, k, false);
            return;
        }
        splitRows(
                m,
                chunks,
                (r0, r1, chunk) -> NativeBlas.multiplyTransposedB(
                        offset(a, (long) r0 * k), b, offset(c, (long) r0 * n), r1 - r0, n, k, false));
    }

    /** {@code C[m x n] = A[k x m]^T * B[k x n]} (a weight gradient). Mutates {@code c}. */
    void multiplyTransposedA(FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k) {
        int chunks = chunks((long) m * n * k, m);
        if (chunks == 1) {
            NativeBlas.multiplyTransposedA(a, b, c, m, n, k);
            return;
        }
        splitRows(
                m,
                chunks,
                (r0, r1, chunk) ->
                        NativeBlas.multiplyTransposedA(offset(a, r0), b, offset(c, (long) r0 * n), r1 - r0, n, k, m));
    }

    /** {@code C[m x n] = A[m x k] * B[k x n]} (an input gradient). Mutates {@code c}. */
    void multiply(FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k) {
        int chunks = chunks((long) m * n * k, m);
        if (chunks == 1) {
            NativeBlas.multiply(a, b, c, m, n, k);
            return;
        }
        splitRows(
                m,
                chunks,
                (r0, r1, chunk) ->
                        NativeBlas.multiply(offset(a, (long) r0 * k), b, offset(c, (long) r0 * n), r1 - r0, n, k));
    }

    /** Work on rows {@code [r0, r1)} as chunk number {@code chunk}. */
    interface RowBody {
        void run(int r0, int r1, int chunk);
    }

    /** Below this many elements an element-wise pass runs on the calling thread alone. */
    private static final long ELEMENTWISE_THRESHOLD = 1L << 14;

    /**
     * Runs an element-wise pass over {@code rows} rows of {@code width} elements, split by rows like the
     * products. Returns the number of chunks used (chunk numbers are {@code 0 .. chunks-1}).
     */
    int forRows(int rows, int width, RowBody body) {
        int chunks = threads == 1 || (long) rows * width < ELEMENTWISE_THRESHOLD ? 1 : Math.min(threads, rows);
        if (chunks == 1) {
            body.run(0, rows, 0);
            return 1;
        }
        splitRows(rows, chunks, body);
        return chunks;
    }

    /**
     * Runs {@code body} on {@code chunks} consecutive row ranges of {@code rows}, the last on this thread. Returns
     * only when every chunk handed to a helper has finished, also when a chunk (or handing one over) fails, since
     * they write into native memory that the caller may free as soon as this returns. Throws IllegalStateException
     * with the first failure.
     */
    private void splitRows(int rows, int chunks, RowBody body) {
        int per = (rows + chunks - 1) / chunks;
        int submitted = 0;
        try {
            for (int t = 0; t < chunks - 1; t++) {
                int r0 = Math.min(rows, t * per);
                int r1 = Math.min(rows, r0 + per);
                int chunk = t;
                pending[t] = helpers.submit(() -> body.run(r0, r1, chunk));
                submitted++;
            }
            int r0 = Math.min(rows, (chunks - 1) * per);
            body.run(r0, Math.min(rows, r0 + per), chunks - 1);
        } finally {
            HelperThreads.awaitAll(pending, submitted, "a matrix product");
        }
    }

    private int chunks(long multiplyAdds, int rows) {
        if (threads == 1 || multiplyAdds < SPLIT_THRESHOLD) {
            return 1;
        }
        return Math.min(threads, Math.max(1, rows / 8));
    }

    private static FloatPointer offset(FloatPointer base, long elements) {
        FloatPointer p = new FloatPointer(base);
        p.position(base.position() + elements);
        return p;
    }

    /** Stops the helper threads, waiting for any task still running (they write into the model's native memory). */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.close();
        }
    }
}
