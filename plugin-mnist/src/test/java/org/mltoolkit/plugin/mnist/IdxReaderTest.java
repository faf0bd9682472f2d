package org.mltoolkit.plugin.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mltoolkit.api.DataFormatException;

class IdxReaderTest {

    @Test
    void readsImageDimensionsAndEveryPixel() {
        Path file = IdxFixtures.path("valid/train-images-idx3-ubyte");
        IdxReader.Images images = IdxReader.readImages(file);
        assertEquals(3, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.columns());
        assertEquals(file, images.file());
        for (int image = 0; image < 3; image++) {
            for (int row = 0; row < 28; row++) {
                for (int column = 0; column < 28; column++) {
                    int expected = IdxFixtures.pixel(IdxFixtures.TRAIN_SEED, image, row, column);
                    assertEquals(
                            expected,
                            images.pixels()[image * 784 + row * 28 + column] & 0xff,
                            "pixel " + image + "/" + row + "/" + column);
                }
            }
        }
    }

    @Test
    void readsLabels() {
        IdxReader.Labels labels = IdxReader.readLabels(IdxFixtures.path("valid/train-labels-idx1-ubyte"));
        assertEquals(3, labels.count());
        assertArrayEquals(new byte[] {7, 0, 9}, labels.values());
    }

    @Test
    void gzippedFilesReadLikeTheirContent() {
        IdxReader.Images plain = IdxReader.readImages(IdxFixtures.path("valid/t10k-images-idx3-ubyte"));
        IdxReader.Images gzipped = IdxReader.readImages(IdxFixtures.path("gzipped/t10k-images-idx3-ubyte.gz"));
        assertEquals(plain.count(), gzipped.count());
        assertArrayEquals(plain.pixels(), gzipped.pixels());
        assertArrayEquals(
                IdxReader.readLabels(IdxFixtures.path("valid/t10k-labels-idx1-ubyte"))
                        .values(),
                IdxReader.readLabels(IdxFixtures.path("gzipped/t10k-labels-idx1-ubyte.gz"))
                        .values());
    }

    @Test
    void readsAnEmptySetOfLabels(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("labels"), IdxFixtures.labels());
        assertEquals(0, IdxReader.readLabels(file).count());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "images-wrong-magic          | wrong magic number 0x00000801, expected 0x00000803",
                "images-not-idx              | this is not an IDX file",
                "images-empty                | truncated header: an IDX image file starts with 16 header bytes "
                        + "but this one has only 0 bytes",
                "images-truncated-header     | truncated header: an IDX image file starts with 16 header bytes "
                        + "but this one has only 10 bytes",
                "images-truncated-body       | truncated data: the header declares 3 images of 28x28 pixels "
                        + "(2352 bytes) but only 2252 bytes follow it",
                "images-trailing-bytes       | unexpected bytes after the 3 images of 28x28 pixels",
                "not-gzip.gz                 | is named .gz but is not gzip-compressed (it starts with 0x00 0x00",
                "truncated.gz                | truncated gzip data",
            })
    void brokenImageFilesNameTheFileAndTheProblem(String fixture, String problem) {
        assertProblem(IdxReader::readImages, "broken/" + fixture, problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "labels-wrong-magic      | wrong magic number 0x00000803, expected 0x00000801",
                "labels-truncated-header | truncated header: an IDX label file starts with 8 header bytes "
                        + "but this one has only 6 bytes",
                "labels-truncated-body   | truncated data: the header declares 3 labels (3 bytes) but only 2 bytes "
                        + "follow it",
                "images-empty            | truncated header",
            })
    void brokenLabelFilesNameTheFileAndTheProblem(String fixture, String problem) {
        assertProblem(IdxReader::readLabels, "broken/" + fixture, problem);
    }

    @Test
    void missingFileAndDirectoryAreNamed(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-file");
        DataFormatException noFile = assertThrows(DataFormatException.class, () -> IdxReader.readImages(missing));
        assertEquals(missing + ": cannot read: no such file", noFile.getMessage());
        assertEquals(missing, noFile.getFile());

        DataFormatException directory = assertThrows(DataFormatException.class, () -> IdxReader.readLabels(dir));
        assertEquals(dir + ": is a directory, not an IDX file", directory.getMessage());
    }

    @Test
    void aHeaderDeclaringHugeImagesFailsWithoutAllocatingThem(@TempDir Path dir) throws Exception {
        byte[] header = java.nio.ByteBuffer.allocate(16)
                .putInt(IdxReader.IMAGES_MAGIC)
                .putInt(2_000_000_000)
                .putInt(28)
                .putInt(28)
                .array();
        Path file = Files.write(dir.resolve("huge"), header);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().contains("more than one array can hold"), e.getMessage());

        byte[] lying = java.nio.ByteBuffer.allocate(16)
                .putInt(IdxReader.IMAGES_MAGIC)
                .putInt(1_000_000)
                .putInt(28)
                .putInt(28)
                .array();
        Path lyingFile = Files.write(dir.resolve("lying"), lying);
        DataFormatException truncated = assertThrows(DataFormatException.class, () -> IdxReader.readImages(lyingFile));
        assertTrue(truncated.getMessage().contains("but only 0 bytes follow it"), truncated.getMessage());
    }

    private static void assertProblem(Function<Path, ?> reader, String fixture, String problem) {
        Path file = IdxFixtures.path(fixture);
        DataFormatException e = assertThrows(DataFormatException.class, () -> reader.apply(file));
        assertEquals(file, e.getFile());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
