package org.mltoolkit.plugin.fc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.mltoolkit.plugin.fc.NativeBlas;

/**
 * Compares ways of multiplying float matrices on the JVM for the fc model's three products per layer
 * (forward {@code X W^T}, weight gradient {@code dZ^T X}, input gradient {@code dZ W}) at batch 256, each
 * with the sizes of the real product and every operand row-major and untransposed (the same work for all):
 * <ol>
 *   <li>plain Java loops (4-row register blocking that C2 vectorises), rows split over the threads;</li>
 *   <li>OpenBLAS through JavaCPP on Java {@code float[]} (JavaCPP copies the arrays in and out each call);</li>
 *   <li>OpenBLAS on native memory with OpenBLAS's own thread pool;</li>
 *   <li>OpenBLAS on native memory, single-threaded, rows split over Java threads (what the plugin uses).</li>
 * </ol>
 * Arguments: {@code [threads=2] [seconds per case=2]}. Prints milliseconds per product and GFLOP/s.
 */
public final class GemmBench {
    private static final int[][] SHAPES = {
        // m, n, k for C[m x n] = A[m x k] * B[k x n] in the layout of each product
        {256, 500, 784}, {500, 784, 256}, {256, 400, 500}, {256, 500, 400},
    };
    private static final String[] NAMES = {
        "L1 forward 256x784 by 784x500",
        "L1 dW 500x256 by 256x784",
        "L2 forward 256x500 by 500x400",
        "L2 dX 256x400 by 400x500",
    };

    private GemmBench() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        NativeBlas.ensureLoaded(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.printf("threads=%d; ms per product (GFLOP/s)%n", threads);
        System.out.printf(
                "%-32s %16s %16s %16s %16s%n",
                "product", "java loops", "openblas float[]", "openblas own thr", "openblas split");
        try {
            for (int s = 0; s < SHAPES.length; s++) {
                int m = SHAPES[s][0];
                int n = SHAPES[s][1];
                int k = SHAPES[s][2];
                Random random = new Random(s);
                float[] a = new float[m * k];
                float[] b = new float[k * n];
                float[] c = new float[m * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = random.nextFloat() - 0.5f;
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = random.nextFloat() - 0.5f;
                }
                FloatPointer pa = new FloatPointer(a);
                FloatPointer pb = new FloatPointer(b);
                FloatPointer pc = new FloatPointer(c);
                double flops = 2.0 * m * n * k;
                double java = time(seconds, () -> javaMultiply(pool, threads, a, b, c, m, n, k));
                float[] reference = c.clone();
                double arrays = time(
                        seconds,
                        () -> openblas_nolapack.cblas_sgemm(
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
                                n));
                check(reference, c, "openblas float[]");
                NativeBlas.ensureLoaded(threads);
                double own = time(
                        seconds,
                        () -> openblas_nolapack.cblas_sgemm(
                                openblas_nolapack.CblasRowMajor,
                                openblas_nolapack.CblasNoTrans,
                                openblas_nolapack.CblasNoTrans,
                                m,
                                n,
                                k,
                                1f,
                                pa,
                                k,
                                pb,
                                n,
                                0f,
                                pc,
                                n));
                NativeBlas.ensureLoaded(1);
                double split = time(seconds, () -> splitMultiply(pool, threads, pa, pb, pc, m, n, k));
                float[] fromNative = new float[m * n];
                pc.get(fromNative);
                check(reference, fromNative, "openblas split");
                System.out.printf(
                        "%-32s %16s %16s %16s %16s%n",
                        NAMES[s], fmt(java, flops), fmt(arrays, flops), fmt(own, flops), fmt(split, flops));
                pa.close();
                pb.close();
                pc.close();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String fmt(double ms, double flops) {
        return String.format("%.3f (%5.1f)", ms, flops / ms / 1e6);
    }

    private static void check(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-3 * (1 + Math.abs(expected[i]))) {
                throw new IllegalStateException(what + " differs from the Java result at " + i);
            }
        }
    }

    /** Median milliseconds of {@code work} over about {@code seconds}, after a warm-up of the same length. */
    private static double time(double seconds, Runnable work) {
        for (long end = System.nanoTime() + (long) (seconds * 5e8); System.nanoTime() < end; ) {
            work.run();
        }
        List<Double> times = new ArrayList<>();
        for (long end = System.nanoTime() + (long) (seconds * 1e9); System.nanoTime() < end || times.size() < 5; ) {
            long t0 = System.nanoTime();
            work.run();
            times.add((System.nanoTime() - t0) / 1e6);
        }
        times.sort(null);
        return times.get(times.size() / 2);
    }

    /** {@code C = A B}, row-major, rows of C split over the pool. */
    static void javaMultiply(ExecutorService pool, int threads, float[] a, float[] b, float[] c, int m, int n, int k) {
        run(pool, threads, m, (r0, r1) -> javaRows(a, b, c, r0, r1, n, k));
    }

    private static void javaRows(float[] a, float[] b, float[] c, int r0, int r1, int n, int k) {
        int i = r0;
        for (; i + 4 <= r1; i += 4) {
            int c0 = i * n;
            int c1 = c0 + n;
            int c2 = c1 + n;
            int c3 = c2 + n;
            java.util.Arrays.fill(c, c0, c0 + 4 * n, 0f);
            for (int p = 0; p < k; p++) {
                float a0 = a[i * k + p];
                float a1 = a[(i + 1) * k + p];
                float a2 = a[(i + 2) * k + p];
                float a3 = a[(i + 3) * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    float bv = b[bp + j];
                    c[c0 + j] += a0 * bv;
                    c[c1 + j] += a1 * bv;
                    c[c2 + j] += a2 * bv;
                    c[c3 + j] += a3 * bv;
                }
            }
        }
        for (; i < r1; i++) {
            int ci = i * n;
            java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    static void splitMultiply(
            ExecutorService pool, int threads, FloatPointer a, FloatPointer b, FloatPointer c, int m, int n, int k) {
        run(pool, threads, m, (r0, r1) -> {
            FloatPointer ar = new FloatPointer(a).position((long) r0 * k);
            FloatPointer cr = new FloatPointer(c).position((long) r0 * n);
            openblas_nolapack.cblas_sgemm(
                    openblas_nolapack.CblasRowMajor,
                    openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans,
                    r1 - r0,
                    n,
                    k,
                    1f,
                    ar,
                    k,
                    b,
                    n,
                    0f,
                    cr,
                    n);
        });
    }

    interface Rows {
        void run(int r0, int r1);
    }

    private static void run(ExecutorService pool, int threads, int m, Rows rows) {
        int per = (m + threads - 1) / threads;
        List<Future<?>> pending = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int r0 = Math.min(m, t * per);
            int r1 = Math.min(m, r0 + per);
            pending.add(pool.submit(() -> rows.run(r0, r1)));
        }
        rows.run(0, Math.min(m, per));
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
