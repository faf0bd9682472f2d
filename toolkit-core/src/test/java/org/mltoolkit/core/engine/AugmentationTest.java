package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.LabeledData;

class AugmentationTest {

    /** A {@code channels x size x size} image of zeros with the value 1 at ({@code x}, {@code y}) of every channel. */
    private static float[] onePixel(int channels, int size, int x, int y) {
        float[] image = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            image[c * size * size + y * size + x] = 1f;
        }
        return image;
    }

    private static float[] transform(Augmentation.Affine affine, float[] image, int channels, int height, int width) {
        float[] out = new float[image.length];
        Arrays.fill(out, Float.NaN);
        affine.apply(image, 0, out, 0, channels, height, width);
        return out;
    }

    @Test
    void theIdentityTransformCopiesEveryPixelExactly() {
        float[] image = new float[3 * 5 * 7];
        Random random = new Random(1);
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextFloat();
        }
        assertArrayEquals(image, transform(new Augmentation.Affine(0, 1, 0, 0), image, 3, 5, 7));
    }

    @Test
    void aShiftMovesAOnePixelImageByThatManyPixelsInEveryChannel() {
        float[] shifted = transform(new Augmentation.Affine(0, 1, 2, 1), onePixel(2, 8, 3, 4), 2, 8, 8);
        assertArrayEquals(onePixel(2, 8, 5, 5), shifted);
    }

    @Test
    void aHalfPixelShiftSplitsThePixelBilinearly() {
        float[] shifted = transform(new Augmentation.Affine(0, 1, 0.5, 0), onePixel(1, 4, 1, 1), 1, 4, 4);
        float[] expected = new float[16];
        expected[1 * 4 + 1] = 0.5f;
        expected[1 * 4 + 2] = 0.5f;
        assertArrayEquals(expected, shifted, 1e-6f);
    }

    @Test
    void aRotationByNinetyDegreesTurnsRightOfTheCentreIntoBelowIt() {
        // Centre (2, 2) of a 5x5 image; the pixel one to the right goes one down, as the image is shown.
        float[] turned = transform(new Augmentation.Affine(90, 1, 0, 0), onePixel(1, 5, 3, 2), 1, 5, 5);
        assertArrayEquals(onePixel(1, 5, 2, 3), turned, 1e-6f);
    }

    @Test
    void scalingByTwoDoublesTheDistanceFromTheCentre() {
        float[] scaled = transform(new Augmentation.Affine(0, 2, 0, 0), onePixel(1, 9, 5, 4), 1, 9, 9);
        // The pixel one right of the centre (4, 4) lands two right of it, magnified: its neighbours take half.
        assertEquals(1f, scaled[4 * 9 + 6], 1e-6f);
        assertEquals(0.5f, scaled[4 * 9 + 5], 1e-6f);
        assertEquals(0.5f, scaled[4 * 9 + 7], 1e-6f);
        assertEquals(0f, scaled[4 * 9 + 4], 1e-6f);
        assertEquals(0f, scaled[2 * 9 + 6], 1e-6f);
    }

    @Test
    void pixelsMovedInFromOutsideTheImageAreZero() {
        float[] ones = new float[16];
        Arrays.fill(ones, 1f);
        float[] shifted = transform(new Augmentation.Affine(0, 1, 1, 0), ones, 1, 4, 4);
        for (int y = 0; y < 4; y++) {
            assertEquals(0f, shifted[y * 4], "column 0 comes from outside");
            assertEquals(1f, shifted[y * 4 + 3]);
        }
    }

    @Test
    void drawsDependOnSeedEpochAndExampleAloneAndStayInRange() {
        Augmentation a = Augmentation.DEFAULT;
        assertEquals(a.draw(7, 3, 11), a.draw(7, 3, 11));
        assertNotEquals(a.draw(7, 3, 11), a.draw(7, 4, 11));
        assertNotEquals(a.draw(7, 3, 11), a.draw(7, 3, 12));
        assertNotEquals(a.draw(7, 3, 11), a.draw(8, 3, 11));
        for (int example = 0; example < 1000; example++) {
            Augmentation.Affine t = a.draw(1, 1, example).affine();
            assertTrue(Math.abs(t.degrees()) <= 10 && Math.abs(t.dx()) <= 2 && Math.abs(t.dy()) <= 2, "" + t);
            assertTrue(t.scale() >= 0.9 && t.scale() <= 1.1, "" + t);
        }
    }

    @Test
    void parsesNoneDefaultAndPartialSettingsAndWritesTheSpecBack() {
        assertEquals(Augmentation.NONE, Augmentation.parse("none"));
        assertEquals("none", Augmentation.NONE.spec());
        assertFalse(Augmentation.NONE.enabled());
        assertEquals(Augmentation.DEFAULT, Augmentation.parse("default"));
        assertEquals(Augmentation.DEFAULT_SPEC, Augmentation.DEFAULT.spec());
        assertEquals(Augmentation.DEFAULT, Augmentation.parse(Augmentation.DEFAULT_SPEC));
        assertEquals(new Augmentation(15, 2, 0.9, 1.1), Augmentation.parse("rotate=15"));
        assertEquals(new Augmentation(10, 0, 1, 1), Augmentation.parse("shift=0, scale=1"));
        assertEquals(
                "rotate=12.5,shift=1,scale=0.8:1.25",
                Augmentation.parse("scale=0.8:1.25,rotate=12.5,shift=1").spec());
        assertEquals("none", Augmentation.parse("rotate=0,shift=0,scale=1:1").spec());
    }

    /** A 28 x 28 image whose pixel (x, y) holds x: bilinear resampling reads back the x coordinate it samples. */
    private static float[] ramp() {
        float[] image = new float[28 * 28];
        for (int i = 0; i < image.length; i++) {
            image[i] = i % 28;
        }
        return image;
    }

    /** The horizontal displacement of every pixel that stays away from the border, read through {@link #ramp()}. */
    private static float[] horizontalDisplacements(Augmentation.Distortion distortion) {
        float[] out = new float[28 * 28];
        distortion.apply(ramp(), 0, out, 0, 1, 28, 28);
        float[] moved = new float[20 * 20];
        for (int y = 4; y < 24; y++) {
            for (int x = 4; x < 24; x++) {
                moved[(y - 4) * 20 + x - 4] = out[y * 28 + x] - x;
            }
        }
        return moved;
    }

    @Test
    void elasticDisplacementsAreSmoothScaleWithAlphaAndLeaveTheAffineDrawAlone() {
        Augmentation.Affine identity = new Augmentation.Affine(0, 1, 0, 0);
        float[] small = horizontalDisplacements(new Augmentation.Distortion(identity, 10, 4, 99));
        float[] large = horizontalDisplacements(new Augmentation.Distortion(identity, 20, 4, 99));
        double mean = 0;
        double step = 0;
        for (int i = 0; i < small.length; i++) {
            assertEquals(2 * small[i], large[i], 1e-4, "twice alpha, twice the displacement");
            mean += Math.abs(small[i]) / small.length;
            if (i % 20 != 19) {
                step += Math.abs(small[i + 1] - small[i]) / small.length;
            }
        }
        assertTrue(mean > 0.1 && mean < 1.5, "pixels move by a fraction of a pixel to about one: " + mean);
        assertTrue(step < 0.2 * mean, "neighbours move alike (" + step + " against " + mean + ")");
        assertArrayEquals(horizontalDisplacements(new Augmentation.Distortion(identity, 0, 4, 99)), new float[20 * 20]);

        Augmentation elastic = Augmentation.parse("elastic=34");
        for (int example = 0; example < 50; example++) {
            assertEquals(
                    Augmentation.DEFAULT.draw(3, 2, example).affine(),
                    elastic.draw(3, 2, example).affine());
        }
        assertEquals(elastic.draw(3, 2, 7), elastic.draw(3, 2, 7));
        assertNotEquals(elastic.draw(3, 2, 7).fieldSeed(), elastic.draw(3, 3, 7).fieldSeed());
    }

    @Test
    void elasticSettingsParseAndPrintBack() {
        Augmentation elastic = Augmentation.parse("elastic=34");
        assertEquals(new Augmentation(10, 2, 0.9, 1.1, 34, 4), elastic);
        assertEquals(Augmentation.DEFAULT_SPEC + ",elastic=34:4", elastic.spec());
        assertEquals(elastic, Augmentation.parse(elastic.spec()));
        Augmentation alone = Augmentation.parse("rotate=0,shift=0,scale=1,elastic=36:5.5");
        assertTrue(alone.enabled());
        assertEquals("rotate=0,shift=0,scale=1:1,elastic=36:5.5", alone.spec());
        assertEquals(Augmentation.DEFAULT_SPEC, Augmentation.parse("elastic=0").spec());
    }

    @Test
    void refusesBadSpecsNamingThePartAtFault() {
        String[][] cases = {
            {"rotate=200", "invalid value 'rotate=200' for augment: must lie between 0 and 180 degrees"},
            {"shift=-1", "invalid value 'shift=-1' for augment: must be a number of pixels >= 0"},
            {"scale=1.2:1.1", "invalid value 'scale=1.1' for augment: the largest factor must be at least the smallest"
            },
            {"scale=0", "invalid value 'scale=0' for augment: must be a positive factor"},
            {"spin=3", "invalid value 'spin=3' for augment: unknown setting 'spin'"},
            {"rotate=ten", "invalid value 'rotate=ten' for augment: rotate 'ten' is not a number"},
            {"rotate", "invalid value 'rotate' for augment: 'rotate' is not KEY=VALUE"},
            {"rotate=1,rotate=2", "invalid value 'rotate=1,rotate=2' for augment: 'rotate' is given twice"},
            {"elastic=-2", "invalid value 'elastic=-2' for augment: the displacement scale must be a number of pixels"},
            {"elastic=34:0", "invalid value 'elastic=34:0' for augment: the smoothing sigma must be a positive number"},
            {"elastic=34:x", "invalid value 'elastic=34:x' for augment: elastic 'x' is not a number"},
        };
        for (String[] c : cases) {
            InvalidConfigurationException e =
                    assertThrows(InvalidConfigurationException.class, () -> Augmentation.parse(c[0]), c[0]);
            assertEquals(Augmentation.SETTING, e.getSetting());
            assertTrue(e.getMessage().startsWith(c[1]), e.getMessage());
        }
    }

    @Test
    void aLoaderTransformsEachExampleAlikeWhateverTheBatchSizeAndLeavesTheDataAlone() {
        ExampleShape shape = new ExampleShape(1, 6, 6);
        float[] features = new float[10 * shape.size()];
        Random random = new Random(3);
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        float[] original = features.clone();
        LabeledData data = new LabeledData(features, new int[10], shape, 2);
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] small = epoch(new BatchLoader(data, all, 3, true, 5, InputLayout.IMAGE, Augmentation.DEFAULT), 2);
        float[] large = epoch(new BatchLoader(data, all, 10, true, 5, InputLayout.IMAGE, Augmentation.DEFAULT), 2);
        float[] plain = epoch(new BatchLoader(data, all, 10, true, 5, InputLayout.IMAGE), 2);
        float[] other = epoch(new BatchLoader(data, all, 10, true, 5, InputLayout.IMAGE, Augmentation.DEFAULT), 3);
        assertArrayEquals(small, large);
        assertFalse(Arrays.equals(small, plain), "the examples are transformed");
        assertFalse(Arrays.equals(Arrays.copyOf(large, 36), Arrays.copyOf(other, 36)), "anew every epoch");
        assertArrayEquals(original, features, "the data is never written");
    }

    @Test
    void batchesAugmentedOnSeveralThreadsAreBitForBitThoseOfOne() {
        ExampleShape shape = new ExampleShape(1, 28, 28);
        int n = 100;
        float[] features = new float[n * shape.size()];
        int[] labels = new int[n];
        Random random = new Random(11);
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        LabeledData data = new LabeledData(features, labels, shape, 10);
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        for (Augmentation augmentation : new Augmentation[] {Augmentation.DEFAULT, Augmentation.parse("elastic=34")}) {
            assertThreadsAgree(data, all, augmentation);
        }
        assertFalse(Arrays.equals(
                epoch(new BatchLoader(data, all, 37, true, 9, InputLayout.IMAGE, Augmentation.DEFAULT), 4),
                epoch(
                        new BatchLoader(data, all, 37, true, 9, InputLayout.IMAGE, Augmentation.parse("elastic=34")),
                        4)));
    }

    private static void assertThreadsAgree(LabeledData data, int[] all, Augmentation augmentation) {
        BatchLoader loader = new BatchLoader(data, all, 37, true, 9, InputLayout.IMAGE, augmentation);
        float[] one = epoch(loader, 4);
        int[] oneLabels = epochLabels(loader, 4);
        for (int threads : new int[] {2, 3, 4, 8}) {
            try (ParallelExamples workers = ParallelExamples.of(threads)) {
                BatchLoader parallel = loader.withWorkers(workers);
                assertArrayEquals(one, epoch(parallel, 4), threads + " threads");
                assertArrayEquals(oneLabels, epochLabels(parallel, 4), threads + " threads");
            }
        }
        assertFalse(Arrays.equals(one, epoch(new BatchLoader(data, all, 37, true, 9, InputLayout.IMAGE), 4)));
    }

    @Test
    void aFailingExampleFailsTheLoopAfterEveryOtherRangeHasFinished() {
        try (ParallelExamples workers = ParallelExamples.of(3)) {
            boolean[] done = new boolean[30];
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> workers.forEach(30, i -> {
                        if (i == 12) {
                            throw new IllegalArgumentException("example " + i);
                        }
                        done[i] = true;
                    }));
            assertEquals("example 12", e.getMessage());
            for (int i = 20; i < 30; i++) {
                assertTrue(done[i], "range of example " + i + " finished");
            }
        }
    }

    /** The labels of an epoch's batches, concatenated. */
    private static int[] epochLabels(BatchLoader loader, int epoch) {
        int[] all = new int[0];
        for (Iterator<Batch> it = loader.batches(epoch); it.hasNext(); ) {
            Batch b = it.next();
            int[] grown = Arrays.copyOf(all, all.length + b.size());
            System.arraycopy(b.labels(), 0, grown, all.length, b.size());
            all = grown;
        }
        return all;
    }

    /** The features of an epoch's batches, concatenated. */
    private static float[] epoch(BatchLoader loader, int epoch) {
        float[] all = new float[0];
        for (Iterator<Batch> it = loader.batches(epoch); it.hasNext(); ) {
            Batch b = it.next();
            int n = b.size() * b.shape().size();
            float[] grown = Arrays.copyOf(all, all.length + n);
            System.arraycopy(b.features(), 0, grown, all.length, n);
            all = grown;
        }
        return all;
    }
}
