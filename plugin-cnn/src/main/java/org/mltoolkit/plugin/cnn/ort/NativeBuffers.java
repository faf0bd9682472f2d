package org.mltoolkit.plugin.cnn.ort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** Direct, native-order buffers: ONNX Runtime wraps them in tensors without copying. */
public final class NativeBuffers {
    private NativeBuffers() {}

    public static FloatBuffer floats(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    public static LongBuffer longs(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Long.BYTES))
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
    }

    /**
     * Sum of squares of every element of every buffer (0 to capacity), in double precision, computed in parallel
     * chunks; the buffers are not modified.
     */
    public static double sumOfSquares(FloatBuffer[] buffers) {
        final int chunk = 1 << 16;
        java.util.List<int[]> chunks = new java.util.ArrayList<>();
        for (int b = 0; b < buffers.length; b++) {
            for (int start = 0; start < buffers[b].capacity(); start += chunk) {
                chunks.add(new int[] {b, start, Math.min(buffers[b].capacity(), start + chunk)});
            }
        }
        return java.util.stream.IntStream.range(0, chunks.size())
                .parallel()
                .mapToDouble(k -> {
                    int[] c = chunks.get(k);
                    FloatBuffer buffer = buffers[c[0]];
                    double sum = 0;
                    for (int i = c[1]; i < c[2]; i++) {
                        float v = buffer.get(i);
                        sum += (double) v * v;
                    }
                    return sum;
                })
                .sum();
    }

    /** Copies {@code count} floats from {@code source} into {@code target} starting at 0 (positions untouched). */
    public static void copy(float[] source, int count, FloatBuffer target) {
        target.put(0, source, 0, count);
    }
}
