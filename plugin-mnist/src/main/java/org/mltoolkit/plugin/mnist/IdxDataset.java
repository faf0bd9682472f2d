package org.mltoolkit.plugin.mnist;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mltoolkit.api.ChecksumMismatchException;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

/**
 * A dataset of 28x28 grayscale images in ten classes stored as four IDX files, the layout MNIST made
 * standard. Subclasses supply the name, class names, expected checksums and sources.
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

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final String description;
    private final List<String> classNames;
    private final Map<String, String> expectedSha256;
    private final List<FileSource> sources;

    /**
     * @param expectedSha256 the SHA-256 (lower-case hex) of each canonical file's uncompressed content
     * @param sources        where missing files are fetched from, in order, after the request's own directory
     * Throws IllegalArgumentException when a canonical file has no checksum.
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
        this.expectedSha256 = Map.copyOf(expectedSha256);
        this.sources = List.copyOf(sources);
        for (String file : FILE_NAMES) {
            if (!this.expectedSha256.containsKey(file)) {
                throw new IllegalArgumentException("no SHA-256 given for " + file + " of dataset " + name);
            }
        }
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
        return sources;
    }

    /** The four canonical, uncompressed paths in {@code dataDir/<name>/}; nothing is checked or created. */
    @Override
    public List<Path> files(Path dataDir) {
        Path directory = datasetDirectory(dataDir);
        return FILE_NAMES.stream().map(directory::resolve).toList();
    }

    /** True when each of the four files is present, uncompressed or as {@code NAME.gz}; content is not read. */
    @Override
    public boolean isPresent(Path dataDir) {
        Path directory = datasetDirectory(dataDir);
        return FILE_NAMES.stream().allMatch(file -> presentFile(directory, file) != null);
    }

    /**
     * Makes the four files present and verified in {@code dataDir/<name>/}, creating that directory.
     *
     * <p>A file already present (uncompressed, or as {@code NAME.gz}) is verified and reported with the source
     * {@code "already present"}. If its checksum is wrong this throws ChecksumMismatchException naming it and
     * leaves it untouched: the file may be the user's own data, so it is never silently replaced; deleting it
     * and fetching again replaces it.
     *
     * <p>A missing file is taken from the first source that delivers it: the request's directory, then this
     * dataset's sources. Each is copied to a temporary file beside its final place, its SHA-256 is checked, and
     * only then it is renamed into place, atomically where the file system allows. If a source delivers content
     * with the wrong checksum, this throws ChecksumMismatchException (naming the file the user can act on when
     * it came from a local directory) and nothing is left in place. If every source fails, this throws one
     * ToolkitException naming the file and each source with its reason. Files fetched before a failure stay
     * in place: each was verified. Progress and one message per source tried go to the request's listener.
     */
    @Override
    public List<FetchedFile> fetch(FetchRequest request) {
        Path directory = datasetDirectory(request.dataDir());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ToolkitException(
                    "cannot create the data directory " + directory + ": " + SourceFailures.reason(e), e);
        }
        ProgressListener progress = request.progress();
        List<FileSource> ordered = new ArrayList<>();
        request.fromDir().ifPresent(dir -> ordered.add(new DirectorySource(dir, "directory you named " + dir)));
        ordered.addAll(sources);
        List<FileSource.Session> sessions = new ArrayList<>();
        try {
            for (FileSource source : ordered) {
                sessions.add(source.open(progress));
            }
            List<FetchedFile> fetched = new ArrayList<>();
            for (String file : FILE_NAMES) {
                fetched.add(fetchFile(directory, file, ordered, sessions, progress));
            }
            return fetched;
        } finally {
            for (FileSource.Session session : sessions) {
                session.close();
            }
        }
    }

    private FetchedFile fetchFile(
            Path directory,
            String file,
            List<FileSource> ordered,
            List<FileSource.Session> sessions,
            ProgressListener progress) {
        String expected = expectedSha256.get(file);
        Path present = presentFile(directory, file);
        if (present != null) {
            String actual = Sha256.ofContent(present);
            if (!actual.equals(expected)) {
                progress.message(present + " is present but is not the expected " + name + " file; it was left"
                        + " untouched (delete it to fetch it again)");
                throw new ChecksumMismatchException(present, expected, actual);
            }
            progress.message(file + ": already present, SHA-256 verified");
            return new FetchedFile(file, present, actual, "already present");
        }
        Path target = directory.resolve(file);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            String sourceName = ordered.get(i).description();
            progress.message(file + ": trying " + sourceName);
            Path temporary = createTemporary(directory, file);
            boolean placed = false;
            try {
                FileSource.Delivery delivery;
                try {
                    delivery = sessions.get(i).copyTo(file, temporary);
                } catch (IOException | RuntimeException e) {
                    String reason = SourceFailures.reason(e);
                    failures.add(sourceName + ": " + reason);
                    progress.message(file + ": " + sourceName + " failed: " + reason);
                    continue;
                }
                String actual = Sha256.ofContent(temporary);
                if (!actual.equals(expected)) {
                    progress.message(file + ": " + delivery.origin() + " delivered content with the wrong SHA-256;"
                            + " nothing was kept");
                    Path blamed = delivery.localFile() != null ? delivery.localFile() : target;
                    throw new ChecksumMismatchException(blamed, expected, actual);
                }
                moveIntoPlace(temporary, target);
                placed = true;
                progress.message(file + ": SHA-256 verified, taken from " + delivery.origin());
                return new FetchedFile(file, target, actual, delivery.origin());
            } finally {
                if (!placed) {
                    deleteQuietly(temporary, progress);
                }
            }
        }
        throw new ToolkitException("cannot fetch " + file + " of dataset " + name + ": "
                + (failures.isEmpty() ? "no sources to try" : "every source failed: " + String.join("; ", failures)));
    }

    /**
     * Reads and validates the four files (each uncompressed, or {@code NAME.gz} when only that exists) and
     * scales pixels to {@code value / 255f}. Throws DataFormatException naming the file and the problem when
     * a file is missing, unreadable or malformed, when images are not 28x28, when a label is not below 10,
     * or when an image file and its label file hold different numbers of examples.
     */
    @Override
    public DatasetSplits load(Path dataDir) {
        Path directory = datasetDirectory(dataDir);
        LabeledData train = loadSplit(locate(directory, TRAIN_IMAGES), locate(directory, TRAIN_LABELS));
        LabeledData test = loadSplit(locate(directory, TEST_IMAGES), locate(directory, TEST_LABELS));
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
        byte[] pixels = images.pixels();
        float[] features = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            features[i] = (pixels[i] & 0xff) / 255f;
        }
        return new LabeledData(features, labelValues, SHAPE, numClasses);
    }

    private Path datasetDirectory(Path dataDir) {
        return Objects.requireNonNull(dataDir, "dataDir").resolve(name);
    }

    /** The file to read: the uncompressed one, else the gzipped one; if neither exists this throws. */
    private static Path locate(Path directory, String file) {
        Path found = presentFile(directory, file);
        if (found == null) {
            throw new DataFormatException(
                    directory.resolve(file),
                    "missing: neither it nor " + file + ".gz exists (fetch the dataset first)");
        }
        return found;
    }

    /** The uncompressed file if present, else the gzipped one if present, else null. */
    private static Path presentFile(Path directory, String file) {
        Path plain = directory.resolve(file);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gzipped = directory.resolve(file + ".gz");
        return Files.exists(gzipped) ? gzipped : null;
    }

    /**
     * Creates an empty, hidden temporary file beside the final one. Unlike Files.createTempFile it keeps the
     * default permissions, so the file moved into place is readable like any other file the user creates.
     */
    private static Path createTemporary(Path directory, String file) {
        IOException lastFailure = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            String unique = Long.toUnsignedString(RANDOM.nextLong(), Character.MAX_RADIX);
            Path candidate = directory.resolve("." + file + "." + unique + ".part");
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                lastFailure = e;
            } catch (IOException e) {
                lastFailure = e;
                break;
            }
        }
        throw new ToolkitException(
                "cannot create a temporary file in " + directory + ": " + SourceFailures.reason(lastFailure),
                lastFailure);
    }

    private static void moveIntoPlace(Path temporary, Path target) {
        try {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ToolkitException(
                    "cannot move the verified " + temporary + " to " + target + ": " + SourceFailures.reason(e), e);
        }
    }

    private static void deleteQuietly(Path temporary, ProgressListener progress) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            progress.message("could not delete the temporary file " + temporary + ": " + SourceFailures.reason(e));
        }
    }
}
