package org.mltoolkit.plugin.mnist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Makes the tiny IDX files under {@code src/test/resources/org/mltoolkit/plugin/mnist/}, valid and broken,
 * and finds them for tests. {@link IdxFixturesTest} checks that the committed files are what this class
 * makes; run {@link #main} to write them again after changing it:
 *
 * <pre>mvn -pl plugin-mnist test-compile
 * java -cp plugin-mnist/target/test-classes org.mltoolkit.plugin.mnist.IdxFixtures \
 *     plugin-mnist/src/test/resources/org/mltoolkit/plugin/mnist</pre>
 */
final class IdxFixtures {
    /** Labels of the three training and two test images. */
    static final int[] TRAIN_LABELS = {7, 0, 9};

    static final int[] TEST_LABELS = {3, 5};
    static final int TRAIN_SEED = 1;
    static final int TEST_SEED = 2;

    /** The canonical file names, spelled out so that this class runs without PF4J on the class path. */
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";

    static final String TRAIN_LABELS_FILE = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS_FILE = "t10k-labels-idx1-ubyte";
    static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS_FILE, TEST_IMAGES, TEST_LABELS_FILE);

    private IdxFixtures() {}

    /**
     * Pixel {@code (row, column)} of image {@code image}: a fixed pattern that covers 0 and 255 (the first two
     * pixels of each image) and many values in between.
     */
    static int pixel(int seed, int image, int row, int column) {
        if (row == 0 && column == 0) {
            return 0;
        }
        if (row == 0 && column == 1) {
            return 255;
        }
        return (seed * 101 + image * 53 + row * 29 + column * 7 + row * column) & 0xff;
    }

    /** An IDX image file of {@code count} images of {@code rows x columns} pixels from {@link #pixel}. */
    static byte[] images(int seed, int count, int rows, int columns) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * columns);
        buffer.putInt(IdxReader.IMAGES_MAGIC).putInt(count).putInt(rows).putInt(columns);
        for (int image = 0; image < count; image++) {
            for (int row = 0; row < rows; row++) {
                for (int column = 0; column < columns; column++) {
                    buffer.put((byte) pixel(seed, image, row, column));
                }
            }
        }
        return buffer.array();
    }

    /** An IDX label file holding {@code labels}. */
    static byte[] labels(int... labels) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length);
        buffer.putInt(IdxReader.LABELS_MAGIC).putInt(labels.length);
        for (int label : labels) {
            buffer.put((byte) label);
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Every fixture, by path relative to the fixture directory. */
    static Map<String, byte[]> all() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] trainImages = images(TRAIN_SEED, TRAIN_LABELS.length, 28, 28);
        byte[] trainLabels = labels(TRAIN_LABELS);
        byte[] testImages = images(TEST_SEED, TEST_LABELS.length, 28, 28);
        byte[] testLabels = labels(TEST_LABELS);
        files.put("valid/" + TRAIN_IMAGES, trainImages);
        files.put("valid/" + TRAIN_LABELS_FILE, trainLabels);
        files.put("valid/" + TEST_IMAGES, testImages);
        files.put("valid/" + TEST_LABELS_FILE, testLabels);
        for (String name : FILE_NAMES) {
            files.put("gzipped/" + name + ".gz", gzip(files.get("valid/" + name)));
        }

        byte[] wrongMagic = trainImages.clone();
        ByteBuffer.wrap(wrongMagic).putInt(0, IdxReader.LABELS_MAGIC);
        files.put("broken/images-wrong-magic", wrongMagic);
        files.put("broken/images-not-idx", "P5 28 28 255\n".getBytes(StandardCharsets.US_ASCII));
        files.put("broken/images-empty", new byte[0]);
        files.put("broken/images-truncated-header", Arrays.copyOf(trainImages, 10));
        files.put("broken/images-truncated-body", Arrays.copyOf(trainImages, trainImages.length - 100));
        files.put("broken/images-trailing-bytes", Arrays.copyOf(trainImages, trainImages.length + 3));
        files.put("broken/images-27x28", images(TRAIN_SEED, TRAIN_LABELS.length, 27, 28));

        byte[] labelsWrongMagic = trainLabels.clone();
        ByteBuffer.wrap(labelsWrongMagic).putInt(0, IdxReader.IMAGES_MAGIC);
        files.put("broken/labels-wrong-magic", labelsWrongMagic);
        files.put("broken/labels-truncated-header", Arrays.copyOf(trainLabels, 6));
        files.put("broken/labels-truncated-body", Arrays.copyOf(trainLabels, trainLabels.length - 1));
        files.put("broken/labels-count-mismatch", labels(7, 0, 9, 1));
        files.put("broken/labels-out-of-range", labels(7, 10, 9));

        files.put("broken/not-gzip.gz", trainLabels);
        byte[] gzippedImages = gzip(trainImages);
        files.put("broken/truncated.gz", Arrays.copyOf(gzippedImages, gzippedImages.length / 2));
        return files;
    }

    /** The committed fixture at {@code relative}, as a file. */
    static Path path(String relative) {
        URL url = IdxFixtures.class.getResource(relative);
        if (url == null) {
            throw new IllegalArgumentException("no test fixture " + relative + " beside " + IdxFixtures.class);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every fixture under {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: IdxFixtures <fixture directory>");
        }
        Path root = Path.of(args[0]);
        for (Map.Entry<String, byte[]> fixture : all().entrySet()) {
            Path file = root.resolve(fixture.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, fixture.getValue());
        }
    }
}
