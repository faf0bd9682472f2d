package org.mltoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;

/** Features kept as bytes: what the accessors hand out, their bounds, and the data fingerprint they give. */
class ByteFeaturesTest {
    private static final ExampleShape SHAPE = new ExampleShape(1, 2, 3);
    private static final int[] LABELS = {0, 2, 1, 2};

    /** Four examples of six pixels, covering both ends of the byte range and the sign bit. */
    private static byte[] pixels() {
        byte[] values = new byte[LABELS.length * SHAPE.size()];
        int[] levels = {0, 1, 2, 127, 128, 129, 200, 254, 255};
        for (int i = 0; i < values.length; i++) {
            values[i] = (byte) levels[(i * 5) % levels.length];
        }
        return values;
    }

    /** The same pixels scaled as floats, the way datasets stored them before they kept bytes. */
    private static float[] scaled(byte[] values) {
        float[] features = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            features[i] = (values[i] & 0xff) / 255f;
        }
        return features;
    }

    private static LabeledData bytes() {
        return LabeledData.ofUnsignedBytes(pixels(), 255f, LABELS.clone(), SHAPE, 3);
    }

    private static LabeledData floats() {
        return new LabeledData(scaled(pixels()), LABELS.clone(), SHAPE, 3);
    }

    @Test
    void handsOutTheScaledFloatsBitForBit() {
        LabeledData data = bytes();
        assertTrue(data.storesBytes());
        assertFalse(floats().storesBytes());
        float[] expected = scaled(pixels());
        float[] all = new float[expected.length];
        data.copyRange(0, data.size(), all, 0);
        assertArrayEquals(expected, all);
        assertEquals(1f, (0xff & (byte) 255) / 255f);

        float[] one = new float[SHAPE.size() + 2];
        data.copyExample(2, one, 1);
        for (int j = 0; j < SHAPE.size(); j++) {
            assertEquals(expected[2 * SHAPE.size() + j], one[1 + j]);
        }
        assertEquals(0f, one[0], "nothing before the offset is written");
        assertEquals(0f, one[SHAPE.size() + 1], "nothing after the example is written");
    }

    @Test
    void gathersABatchInTheGivenOrder() {
        int[] order = {3, 1, 0, 2};
        float[] expected = scaled(pixels());
        for (LabeledData data : List.of(bytes(), floats())) {
            float[] batch = new float[2 * SHAPE.size()];
            data.copyExamples(order, 1, 2, batch, 0);
            for (int j = 0; j < SHAPE.size(); j++) {
                assertEquals(expected[SHAPE.size() + j], batch[j], "example 1 first");
                assertEquals(expected[j], batch[SHAPE.size() + j], "then example 0");
            }
        }
    }

    @Test
    void refusesExamplesAndBuffersOutOfBounds() {
        LabeledData data = bytes();
        float[] image = new float[SHAPE.size()];
        IndexOutOfBoundsException past =
                assertThrows(IndexOutOfBoundsException.class, () -> data.copyExample(4, image, 0));
        assertTrue(past.getMessage().contains("outside a dataset of 4"), past.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyExample(-1, image, 0));
        IndexOutOfBoundsException small =
                assertThrows(IndexOutOfBoundsException.class, () -> data.copyExample(0, image, 1));
        assertTrue(small.getMessage().contains("buffer of 6 floats at offset 1"), small.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyRange(3, 2, new float[12], 0));
        assertThrows(
                IndexOutOfBoundsException.class, () -> data.copyExamples(new int[] {0, 9}, 0, 2, new float[12], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyExamples(new int[] {0}, 0, 2, new float[12], 0));
    }

    @Test
    void refusesBadStorage() {
        IllegalArgumentException length = assertThrows(
                IllegalArgumentException.class,
                () -> LabeledData.ofUnsignedBytes(new byte[5], 255f, LABELS.clone(), SHAPE, 3));
        assertTrue(length.getMessage().contains("5 values for 4 examples"), length.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> LabeledData.ofUnsignedBytes(pixels(), 0f, LABELS.clone(), SHAPE, 3));
        assertThrows(
                IllegalArgumentException.class,
                () -> LabeledData.ofUnsignedBytes(pixels(), Float.NaN, LABELS.clone(), SHAPE, 3));
        assertThrows(
                IllegalArgumentException.class,
                () -> LabeledData.ofUnsignedBytes(pixels(), 255f, new int[] {0, 3, 1, 2}, SHAPE, 3));
    }

    @Test
    void fingerprintIsTheOneRecordedBeforeBytesWereKept() {
        // The digests below were computed by the float-only implementation of DataFingerprint: checkpoints that
        // recorded them stay resumable on data now kept as bytes.
        String recorded = "8e996049013c67fc3b23b34dc771754db99b814e393d6e78644b50cf888a1b87";
        assertEquals(recorded, DataFingerprint.digest(floats()));
        assertEquals(recorded, DataFingerprint.digest(bytes()));
        DatasetSplits splits = new DatasetSplits("pixels", bytes(), floats(), List.of("a", "b", "c"));
        assertEquals(new DataFingerprint(recorded, recorded), DataFingerprint.of(splits));

        // Many examples (several hashing chunks), and examples larger than one chunk.
        int[] labels = new int[3000];
        java.util.Arrays.setAll(labels, i -> i % 10);
        LabeledData many = LabeledData.ofUnsignedBytes(ramp(3000 * 784), 255f, labels, new ExampleShape(1, 28, 28), 10);
        assertEquals("19a29c218816bac61769a55ba71ece5bb444305e1437e56d2487f491336f6162", DataFingerprint.digest(many));
        LabeledData wide = LabeledData.ofUnsignedBytes(
                ramp(3 * 3 * 80 * 90), 255f, new int[] {1, 0, 1}, new ExampleShape(3, 80, 90), 2);
        assertEquals("25acaa4fbf2cf979e8d7c50ff7b57aff5066b3d9b1e6c5dc98fc5c8dde90979e", DataFingerprint.digest(wide));
    }

    /** {@code n} bytes running through every value. */
    private static byte[] ramp(int n) {
        byte[] values = new byte[n];
        for (int i = 0; i < n; i++) {
            values[i] = (byte) (i * 31 + 7);
        }
        return values;
    }

    @Test
    void statisticsAreTheSameForBothStorages() {
        assertEquals(SplitStatistics.of("train", floats()), SplitStatistics.of("train", bytes()));
    }
}
