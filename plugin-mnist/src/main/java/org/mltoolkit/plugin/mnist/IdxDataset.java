package org.mltoolkit.plugin.mnist;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.plugin.support.fetch.DatasetFetcher;
import org.mltoolkit.plugin.support.fetch.ExpectedFile;
import org.mltoolkit.plugin.support.fetch.FileSource;

/**
 * A dataset of 28x28 grayscale images in ten classes stored as four IDX files, the layout MNIST made
 * standard. Subclasses supply the name, class names, expected checksums and sources; the support library's
 * {@link DatasetFetcher} fetches and verifies the files.
 *
 * <p>Files live in {@code dataDir/<name>/} under their canonical names, uncompressed; {@link #load} also
 * reads {@code NAME.gz} when only that is present. Instances hold no mutable state and may be used from
 * several threads, but two fetches into the same directory at once are not coordinated.
 */
abstract class IdxDataset implements DatasetProvider {
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** The canonical file names, in the order they are fetched. */
    static final List<String> FILE_NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    static final int IMAGE_SIDE = 28;
    static final ExampleShape SHAPE = new ExampleShape(1, IMAGE_SIDE, IMAGE_SIDE);
    static final int TRAIN_EXAMPLES = 60_000;
    static final int TEST_EXAMPLES = 10_000;

    /**
     * The size of each file of the full dataset (MNIST's and Fashion-MNIST's are the same): an IDX header, then one
     * byte per pixel or label. No file of this layout holds more, so a fetched file is refused as soon as its
     * uncompressed content runs past it.
     */
    static final Map<String, Long> MAX_BYTES = Map.of(
            TRAIN_IMAGES, idxBytes(3, (long) TRAIN_EXAMPLES * IMAGE_SIDE * IMAGE_SIDE),
            TRAIN_LABELS, idxBytes(1, TRAIN_EXAMPLES),
            TEST_IMAGES, idxBytes(3, (long) TEST_EXAMPLES * IMAGE_SIDE * IMAGE_SIDE),
            TEST_LABELS, idxBytes(1, TEST_EXAMPLES));

    private final String name;
    private final String description;
    private final List<String> classNames;
    private final DatasetFetcher fetcher;

    /**
     * @param expectedSha256 the SHA-256 (lower-case hex) of each canonical file's uncompressed content
     * @param sources        where missing files are fetched from, in order, after the request's own directory
     * Throws IllegalArgumentException when a canonical file has no checksum or a checksum is malformed.
     */
    IdxDataset(
            String name,
            String description,
            List<String> classNames,
            Map<String, String> expectedSha256,
            List<FileSource> sources) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.classNames = List.copyOf(classNames);
        List<ExpectedFile> files = new ArrayList<>();
        for (String file : FILE_NAMES) {
            String sha256 = expectedSha256.get(file);
            if (sha256 == null) {
                throw new IllegalArgumentException("no SHA-256 given for " + file + " of dataset " + name);
            }
            files.add(new ExpectedFile(file, sha256, MAX_BYTES.get(file)));
        }
        this.fetcher = new DatasetFetcher(name, files, sources);
    }

    /** An IDX file's size: a 4-byte magic, 4 bytes per dimension, then {@code values} one-byte values. */
    private static long idxBytes(int dimensions, long values) {
        return 4 + 4L * dimensions + values;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public ExampleShape exampleShape() {
        return SHAPE;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** The sources tried after the request's own directory, in order. */
    List<FileSource> sources() {
        return fetcher.sources();
    }

    /** The four canonical, uncompressed paths in {@code dataDir/<name>/}; nothing is checked or created. */
    @Override
    public List<Path> files(Path dataDir) {
        return fetcher.paths(dataDir);
    }

    /** True when each of the four files is present, uncompressed or as {@code NAME.gz}; content is not read. */
    @Override
    public boolean isPresent(Path dataDir) {
        return fetcher.isPresent(dataDir);
    }

    /**
     * Makes the four files present and verified in {@code dataDir/<name>/}, as {@link DatasetFetcher#fetch} does:
     * present files are verified and never replaced, missing ones come from the request's directory and then this
     * dataset's sources, and each is checked against its SHA-256 before it is moved into place. Throws
     * ChecksumMismatchException for a file with the wrong content and one ToolkitException naming the file and
     * every source's reason when no source delivers it.
     */
    @Override
    public List<FetchedFile> fetch(FetchRequest request) {
        return fetcher.fetch(request);
    }

    /**
     * Reads and validates the four files (each uncompressed, or {@code NAME.gz} when only that exists); the
     * splits keep the pixels as bytes and give them out scaled to {@code value / 255f}. Throws DataFormatException naming the file and the problem when
     * a file is missing, unreadable or malformed, when images are not 28x28, when a label is not below 10,
     * or when an image file and its label file hold different numbers of examples.
     */
    @Override
    public DatasetSplits load(Path dataDir) {
        LabeledData train = loadSplit(fetcher.locate(dataDir, TRAIN_IMAGES), fetcher.locate(dataDir, TRAIN_LABELS));
        LabeledData test = loadSplit(fetcher.locate(dataDir, TEST_IMAGES), fetcher.locate(dataDir, TEST_LABELS));
        return new DatasetSplits(name, train, test, classNames);
    }

    /**
     * Reads one split from an image file and a label file. Throws DataFormatException as {@link #load} does.
     */
    LabeledData loadSplit(Path imagesFile, Path labelsFile) {
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        if (images.rows() != IMAGE_SIDE || images.columns() != IMAGE_SIDE) {
            throw new DataFormatException(
                    imagesFile,
                    "images are " + images.rows() + "x" + images.columns() + " pixels, expected " + IMAGE_SIDE + "x"
                            + IMAGE_SIDE);
        }
        IdxReader.Labels labels = IdxReader.readLabels(labelsFile);
        if (labels.count() != images.count()) {
            throw new DataFormatException(
                    labelsFile,
                    "holds " + labels.count() + " labels but " + imagesFile.getFileName() + " holds " + images.count()
                            + " images");
        }
        int numClasses = classNames.size();
        int[] labelValues = new int[labels.count()];
        byte[] raw = labels.values();
        for (int i = 0; i < raw.length; i++) {
            int label = raw[i] & 0xff;
            if (label >= numClasses) {
                throw new DataFormatException(
                        labelsFile, "label " + label + " of example " + i + " is outside [0, " + numClasses + ")");
            }
            labelValues[i] = label;
        }
        // The pixels stay bytes (a quarter of the memory of floats); the data scales them as it hands them out.
        return LabeledData.ofUnsignedBytes(images.pixels(), 255f, labelValues, SHAPE, numClasses);
    }
}
