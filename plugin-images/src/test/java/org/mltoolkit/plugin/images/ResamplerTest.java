package org.mltoolkit.plugin.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ResamplerTest {
    @Test
    void theSameSizeIsTheSamePlane() {
        float[] plane = {1, 2, 3, 4};
        assertSame(plane, Resampler.resize(plane, new ImageSize(2, 2), new ImageSize(2, 2)));
    }

    @Test
    void halvingAveragesEveryPixelNotJustSome() {
        // A 1-pixel-wide stripe every other column: point sampling would see all of it or none of it.
        float[] stripes = new float[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x += 2) {
                stripes[y * 8 + x] = 200;
            }
        }
        float[] half = Resampler.resize(stripes, new ImageSize(8, 8), new ImageSize(4, 4));
        for (int i = 0; i < 16; i++) {
            // The widened triangle filter reaches a little outside the 2x2 block; at the edges it sees less.
            assertEquals(100, half[i], 30, "pixel " + i);
        }
        assertEquals(100, half[1 * 4 + 1], 1e-3);
    }

    @Test
    void aUniformImageStaysUniformAtAnySize() {
        float[] grey = new float[5 * 7];
        java.util.Arrays.fill(grey, 77);
        for (ImageSize to : new ImageSize[] {new ImageSize(3, 2), new ImageSize(13, 17), new ImageSize(1, 1)}) {
            float[] out = Resampler.resize(grey, new ImageSize(5, 7), to);
            float[] expected = new float[(int) to.pixels()];
            java.util.Arrays.fill(expected, 77);
            assertArrayEquals(expected, out, 1e-3f, to.toString());
        }
    }

    @Test
    void doublingInterpolatesBetweenNeighbours() {
        float[] ramp = {0, 100};
        float[] out = Resampler.resize(ramp, new ImageSize(1, 2), new ImageSize(1, 4));
        assertArrayEquals(new float[] {0, 25, 75, 100}, out, 1e-3f);
    }
}
