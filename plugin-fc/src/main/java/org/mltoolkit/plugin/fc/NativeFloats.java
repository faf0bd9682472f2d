package org.mltoolkit.plugin.fc;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A block of native float memory seen two ways: as a {@link FloatPointer} for OpenBLAS and as a
 * native-order {@link FloatBuffer} for Java loops. Views share the owner's memory and must not outlive it.
 */
final class NativeFloats implements AutoCloseable {
    private final FloatPointer pointer;
    private final FloatBuffer buffer;
    private final int length;
    private final boolean owner;

    private NativeFloats(FloatPointer pointer, FloatBuffer buffer, int length, boolean owner) {
        this.pointer = pointer;
        this.buffer = buffer;
        this.length = length;
        this.owner = owner;
    }

    /** Allocates {@code length} zeroed floats. Throws OutOfMemoryError when native memory runs out. */
    static NativeFloats allocate(int length) {
        FloatPointer p = new FloatPointer(Math.max(1, length));
        p.zero();
        FloatBuffer b = p.position(0).limit(Math.max(1, length)).asBuffer();
        return new NativeFloats(p, b, length, true);
    }

    /** A view of {@code length} floats starting at {@code offset}. */
    NativeFloats view(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > this.length) {
            throw new IndexOutOfBoundsException("view [" + offset + ", " + (offset + length) + ") of " + this.length);
        }
        FloatPointer p = new FloatPointer(pointer);
        p.position(pointer.position() + offset).limit(pointer.position() + offset + Math.max(1, length));
        return new NativeFloats(p, buffer.slice(offset, length), length, false);
    }

    FloatPointer pointer() {
        return pointer;
    }

    FloatBuffer buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    /** Copies the contents into a new array. */
    float[] toArray() {
        float[] out = new float[length];
        buffer.get(0, out, 0, length);
        return out;
    }

    /** Overwrites the contents with {@code values[0 .. length)}. */
    void set(float[] values) {
        buffer.put(0, values, 0, length);
    }

    void fill(float value) {
        for (int i = 0; i < length; i++) {
            buffer.put(i, value);
        }
    }

    @Override
    public void close() {
        if (owner) {
            pointer.close();
        }
    }
}
