package org.mltoolkit.plugin.fc;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.mltoolkit.api.ToolkitException;

/**
 * Single-precision matrix products through OpenBLAS, row-major, on native memory.
 *
 * <p>The library is loaded once per class loader (the plugin's); its thread count is process-wide, so the
 * last {@link #setThreads} wins.
 */
public final class NativeBlas {
    private static final Object LOCK = new Object();
    private static boolean loaded;

    private NativeBlas() {}

    /**
     * Loads OpenBLAS if needed and makes it single-threaded ({@link ParallelGemm} splits the work over Java
     * threads instead). Throws ToolkitException when the native library cannot be loaded on this platform.
     */
    static void ensureLoaded() {
        ensureLoaded(1);
    }

    /** Loads OpenBLAS if needed and sets its own thread count (the benchmark compares both ways). */
    public static void ensureLoaded(int threads) {
        synchronized (LOCK) {
            if (!loaded) {
                ClassLoader previous = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(NativeBlas.class.getClassLoader());
                try {
                    Loader.load(openblas_nolapack.class);
                } catch (UnsatisfiedLinkError | RuntimeException e) {
                    throw new ToolkitException(
                            "plugin fc: cannot load the OpenBLAS native library for " + Loader.getPlatform() + ": "
                                    + e.getMessage(),
                            e);
                } finally {
                    Thread.currentThread().setContextClassLoader(previous);
                }
                loaded = true;
            }
            openblas_nolapack.blas_set_num_threads(threads);
        }
    }

    /** The thread count OpenBLAS uses now. */
    static int threads() {
        return openblas_nolapack.blas_get_num_threads();
    }

    /**
     * {@code C[m x n] = A * B^T (+ C if accumulate)} with {@code A [m x k]} and {@code B [n x k]}: a layer's
     * forward product {@code X W^T}. Mutates {@code c} only.
     */
    static void multiplyTransposedB(
            FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k, boolean accumulate) {
        if (m == 1) {
            // One example (batch-1 prediction) as a matrix-vector product {@code c = B a}: OpenBLAS's AVX2 sgemm
            // packs all of B first and takes about ten times as long for this shape (measured).
            openblas_nolapack.cblas_sgemv(
                    openblas_nolapack.CblasRowMajor,
                    openblas_nolapack.CblasNoTrans,
                    n,
                    k,
                    1f,
                    b,
                    k,
                    a,
                    1,
                    accumulate ? 1f : 0f,
                    c,
                    1);
            return;
        }
        openblas_nolapack.cblas_sgemm(
                openblas_nolapack.CblasRowMajor,
                openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasTrans,
                m,
                n,
                k,
                1f,
                a,
                k,
                b,
                k,
                accumulate ? 1f : 0f,
                c,
                n);
    }

    /**
     * {@code C[m x n] = A^T * B} with {@code A [k x m]} and {@code B [k x n]}: a weight gradient
     * {@code dZ^T X}. Mutates {@code c} only.
     */
    static void multiplyTransposedA(FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k) {
        multiplyTransposedA(a, b, c, m, n, k, m);
    }

    /** As above, with {@code A}'s rows {@code lda} floats apart (a column block of a wider matrix). */
    static void multiplyTransposedA(FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k, int lda) {
        openblas_nolapack.cblas_sgemm(
                openblas_nolapack.CblasRowMajor,
                openblas_nolapack.CblasTrans,
                openblas_nolapack.CblasNoTrans,
                m,
                n,
                k,
                1f,
                a,
                lda,
                b,
                n,
                0f,
                c,
                n);
    }

    /**
     * {@code C[m x n] = A * B} with {@code A [m x k]} and {@code B [k x n]}: an input gradient {@code dZ W}.
     * Mutates {@code c} only.
     */
    static void multiply(FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k) {
        openblas_nolapack.cblas_sgemm(
                openblas_nolapack.CblasRowMajor,
                openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans,
                m,
                n,
                k,
                1f,
                a,
                k,
                b,
                n,
                0f,
                c,
                n);
    }
}
