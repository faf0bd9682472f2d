package org.mltoolkit.plugin.support.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/** Direct, native-order float buffers for the optimizer tests, the kind the plugins hand over. */
final class Buffers {
    private Buffers() {}

    static FloatBuffer of(float... values) {
        FloatBuffer b = allocate(values.length);
        b.put(0, values);
        return b;
    }

    static FloatBuffer allocate(int length) {
        return ByteBuffer.allocateDirect(length * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    static FloatBuffer random(int length, double scale, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatBuffer b = allocate(length);
        for (int i = 0; i < length; i++) {
            b.put(i, (float) ((random.nextDouble() * 2 - 1) * scale));
        }
        return b;
    }

    static float[] toArray(FloatBuffer b) {
        float[] out = new float[b.capacity()];
        b.get(0, out);
        return out;
    }

    static Parameter parameter(String name, FloatBuffer values, FloatBuffer gradients) {
        return new Parameter(name, new long[] {values.capacity()}, values, gradients);
    }
}
