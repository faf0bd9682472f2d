package org.mltoolkit.plugin.cnn.ort;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** Direct, native-order buffers: ONNX Runtime wraps them in tensors without copying. */
public final class NativeBuffers {
    private NativeBuffers() {
    }

    public static FloatBuffer floats(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    public static LongBuffer longs(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Long.BYTES)).order(ByteOrder.nativeOrder())
                .asLongBuffer();
    }

    /** Copies {@code count} floats from {@code source} into {@code target} starting at 0 (positions untouched). */
    public static void copy(float[] source, int count, FloatBuffer target) {
        target.put(0, source, 0, count);
    }
}
