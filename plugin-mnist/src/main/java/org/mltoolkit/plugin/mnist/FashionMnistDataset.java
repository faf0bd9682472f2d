package org.mltoolkit.plugin.mnist;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.plugin.support.fetch.DirectorySource;
import org.mltoolkit.plugin.support.fetch.FileSource;
import org.mltoolkit.plugin.support.fetch.HttpsMirrorSource;
import org.pf4j.Extension;

/**
 * The dataset {@code fashion-mnist}: Zalando's 60,000 training and 10,000 test images of articles, 28x28
 * grayscale, ten classes from "T-shirt/top" to "Ankle boot", a drop-in replacement for MNIST.
 *
 * <p>Missing files are fetched from, in order: the directory the user names; the directory Debian's
 * package {@code dataset-fashion-mnist} installs ({@value #DEBIAN_DIRECTORY}); the public HTTPS mirrors
 * (Zalando Research's own bucket, then the one TensorFlow's Keras downloads from). Every file is checked
 * against the SHA-256 of the original uncompressed file.
 */
@Extension
public final class FashionMnistDataset extends IdxDataset {
    /** The name users type. */
    public static final String NAME = "fashion-mnist";

    /** Where Debian's package {@code dataset-fashion-mnist} puts the gzipped files. */
    static final String DEBIAN_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** SHA-256 of the uncompressed original files. */
    static final Map<String, String> SHA256 = Map.of(
            TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    /** The dataset with its real checksums and sources; PF4J creates it. */
    public FashionMnistDataset() {
        this(SHA256, defaultSources());
    }

    /** The dataset with other checksums and sources, for tests. */
    FashionMnistDataset(Map<String, String> expectedSha256, List<FileSource> sources) {
        super(
                NAME,
                "Fashion-MNIST article images: 60,000 training and 10,000 test images, 28x28 grayscale, 10 classes",
                CLASS_NAMES,
                expectedSha256,
                sources);
    }

    static List<FileSource> defaultSources() {
        return List.of(
                new DirectorySource(
                        Path.of(DEBIAN_DIRECTORY),
                        "directory " + DEBIAN_DIRECTORY + " (Debian package dataset-fashion-mnist)"),
                new HttpsMirrorSource("https://fashion-mnist.s3.eu-central-1.amazonaws.com/"),
                new HttpsMirrorSource("https://storage.googleapis.com/tensorflow/tf-keras-datasets/"));
    }
}
