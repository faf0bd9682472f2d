package org.mltoolkit.plugin.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;

class IdxDatasetLoadTest {
    @TempDir
    Path dataDir;

    private final MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

    @Test
    void describesBothDatasets() {
        assertEquals("mnist", mnist.name());
        assertEquals(new ExampleShape(1, 28, 28), mnist.exampleShape());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), mnist.classNames());
        FashionMnistDataset fashion = new FashionMnistDataset();
        assertEquals("fashion-mnist", fashion.name());
        assertEquals(
                List.of(
                        "T-shirt/top",
                        "Trouser",
                        "Pullover",
                        "Dress",
                        "Coat",
                        "Sandal",
                        "Shirt",
                        "Sneaker",
                        "Bag",
                        "Ankle boot"),
                fashion.classNames());
        assertTrue(new MnistDataset().description().contains("60,000"));
    }

    @Test
    void loadsScaledPixelsAndLabels() {
        TestData.copyAll(dataDir.resolve("mnist"), false);
        DatasetSplits splits = mnist.load(dataDir);
        assertEquals("mnist", splits.name());
        assertEquals(mnist.classNames(), splits.classNames());
        assertSplit(splits.train(), IdxFixtures.TRAIN_SEED, IdxFixtures.TRAIN_LABELS);
        assertSplit(splits.test(), IdxFixtures.TEST_SEED, IdxFixtures.TEST_LABELS);
        float[] first = new float[784];
        splits.train().copyExample(0, first, 0);
        assertEquals(0f, first[0]);
        assertEquals(1f, first[1]);
        assertTrue(splits.train().storesBytes(), "8-bit pixels are kept as bytes");
    }

    @Test
    void loadsGzippedFilesWhenOnlyThoseArePresent() {
        TestData.copyAll(dataDir.resolve("mnist"), true);
        DatasetSplits splits = mnist.load(dataDir);
        assertSplit(splits.train(), IdxFixtures.TRAIN_SEED, IdxFixtures.TRAIN_LABELS);
        assertSplit(splits.test(), IdxFixtures.TEST_SEED, IdxFixtures.TEST_LABELS);
    }

    @Test
    void fashionMnistReadsItsOwnDirectory() {
        TestData.copyAll(dataDir.resolve("fashion-mnist"), false);
        FashionMnistDataset fashion = new FashionMnistDataset(TestData.fixtureChecksums(), List.of());
        DatasetSplits splits = fashion.load(dataDir);
        assertEquals("fashion-mnist", splits.name());
        assertEquals(3, splits.train().size());
        assertEquals("Ankle boot", splits.classNames().get(9));
        assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
    }

    @Test
    void filesAreTheCanonicalUncompressedPaths() {
        Path dir = dataDir.resolve("mnist");
        assertEquals(
                List.of(
                        dir.resolve("train-images-idx3-ubyte"),
                        dir.resolve("train-labels-idx1-ubyte"),
                        dir.resolve("t10k-images-idx3-ubyte"),
                        dir.resolve("t10k-labels-idx1-ubyte")),
                mnist.files(dataDir));
        assertFalse(Files.exists(dir), "files() creates nothing");
    }

    @Test
    void isPresentNeedsAllFourFilesPlainOrGzipped() throws Exception {
        Path dir = dataDir.resolve("mnist");
        assertFalse(mnist.isPresent(dataDir));
        TestData.copyAll(dir, false);
        assertTrue(mnist.isPresent(dataDir));
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertFalse(mnist.isPresent(dataDir));
        TestData.copy("gzipped/t10k-labels-idx1-ubyte.gz", dir, "t10k-labels-idx1-ubyte.gz");
        assertTrue(mnist.isPresent(dataDir));
    }

    @Test
    void missingFileIsNamed() throws Exception {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
        assertEquals(
                dir.resolve("t10k-images-idx3-ubyte") + ": missing: neither it nor t10k-images-idx3-ubyte.gz"
                        + " exists (fetch the dataset first)",
                e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustAgree() {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Path labels = TestData.copy("broken/labels-count-mismatch", dir, "train-labels-idx1-ubyte");
        DataFormatException e = assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
        assertEquals(labels, e.getFile());
        assertEquals(labels + ": holds 4 labels but train-images-idx3-ubyte holds 3 images", e.getMessage());
    }

    @Test
    void imagesMustBe28By28() {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Path images = TestData.copy("broken/images-27x28", dir, "train-images-idx3-ubyte");
        DataFormatException e = assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
        assertEquals(images + ": images are 27x28 pixels, expected 28x28", e.getMessage());
    }

    @Test
    void labelsMustBeBelowTheClassCount() {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Path labels = TestData.copy("broken/labels-out-of-range", dir, "train-labels-idx1-ubyte");
        DataFormatException e = assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
        assertEquals(labels + ": label 10 of example 1 is outside [0, 10)", e.getMessage());
    }

    @Test
    void malformedFilesFailTheLoadNamingThem() {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Path images = TestData.copy("broken/images-wrong-magic", dir, "t10k-images-idx3-ubyte");
        DataFormatException e = assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
        assertEquals(images, e.getFile());
        assertTrue(e.getMessage().contains("wrong magic number"), e.getMessage());
    }

    @Test
    void aGzippedFileThatIsNotGzipIsNamed() throws Exception {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        Path fake = TestData.copy("broken/not-gzip.gz", dir, "train-labels-idx1-ubyte.gz");
        DataFormatException e = assertThrows(DataFormatException.class, () -> mnist.load(dataDir));
        assertEquals(fake, e.getFile());
        assertTrue(e.getMessage().contains("is named .gz but is not gzip-compressed"), e.getMessage());
    }

    private static void assertSplit(LabeledData data, int seed, int[] labels) {
        assertEquals(labels.length, data.size());
        assertEquals(10, data.numClasses());
        assertEquals(new ExampleShape(1, 28, 28), data.shape());
        assertArrayEquals(labels, data.labels());
        float[] features = new float[labels.length * 784];
        data.copyRange(0, labels.length, features, 0);
        for (int image = 0; image < labels.length; image++) {
            for (int row = 0; row < 28; row++) {
                for (int column = 0; column < 28; column++) {
                    float expected = IdxFixtures.pixel(seed, image, row, column) / 255f;
                    assertEquals(expected, features[image * 784 + row * 28 + column]);
                }
            }
        }
    }
}
