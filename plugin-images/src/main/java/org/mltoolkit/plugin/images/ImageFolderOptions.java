package org.mltoolkit.plugin.images;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.PluginOptions;

/**
 * The options of the {@code images} dataset, parsed and checked.
 *
 * @param root      the folder of images, absolute
 * @param size      the size every image is resized to, or null for the most common size among the files
 * @param channels  1 (grey) or 3 (RGB), or 0 for 1 when every image is grey and 3 otherwise
 * @param testRatio the fraction of each class held out as the test split when the folder has no test split, or
 *                  NaN when not given (then {@value #DEFAULT_TEST_RATIO})
 * @param seed      the seed of that hold-out, or null when not given (then {@value #DEFAULT_SEED})
 * @param skipBad   skip (and count) files that cannot be decoded instead of failing on the first
 * @param cache     keep decoded images in a cache file so that later loads do not decode again
 * @param cacheDir  where the cache files go, or null for {@value #CACHE_DIR_NAME} inside the folder
 */
record ImageFolderOptions(
        Path root,
        ImageSize size,
        int channels,
        double testRatio,
        Long seed,
        boolean skipBad,
        boolean cache,
        Path cacheDir) {
    static final String PATH = "path";
    static final String SIZE = "size";
    static final String CHANNELS = "channels";
    static final String TEST_RATIO = "test-ratio";
    static final String SEED = "split-seed";
    static final String SKIP_BAD = "skip-bad";
    static final String CACHE = "cache";
    static final String CACHE_DIR = "cache-dir";
    static final Set<String> KEYS = Set.of(PATH, SIZE, CHANNELS, TEST_RATIO, SEED, SKIP_BAD, CACHE, CACHE_DIR);

    static final double DEFAULT_TEST_RATIO = 0.1;
    static final long DEFAULT_SEED = 0;
    /** The cache's folder inside the image folder, hidden so that it is never taken for a class. */
    static final String CACHE_DIR_NAME = ".toolkit-cache";

    /**
     * Parses the user's options. Throws InvalidConfigurationException naming the option and its value for an
     * unknown key, a missing {@code path}, a path that is not a folder, or a value out of range.
     */
    static ImageFolderOptions parse(PluginOptions options) {
        options.requireOnly("dataset " + ImageFolderDataset.NAME, KEYS);
        String pathText = options.getString(PATH, null);
        if (pathText == null || pathText.isBlank()) {
            throw new InvalidConfigurationException(
                    PATH, pathText, "is required: the folder of images (--dataset-option path=DIR)");
        }
        Path root = folder(PATH, pathText);
        if (!Files.isDirectory(root)) {
            throw new InvalidConfigurationException(
                    PATH, pathText, Files.exists(root) ? "is not a folder" : "no such folder (" + root + ")");
        }
        String sizeText = options.getString(SIZE, null);
        ImageSize size = sizeText == null || sizeText.isBlank() ? null : ImageSize.parse(SIZE, sizeText);
        int channels = options.getInt(CHANNELS, 0);
        if (options.keys().contains(CHANNELS) && channels != 1 && channels != 3) {
            throw new InvalidConfigurationException(
                    CHANNELS, options.getString(CHANNELS, null), "expected 1 (grey) or 3 (RGB)");
        }
        double testRatio = options.getDouble(TEST_RATIO, Double.NaN);
        if (options.keys().contains(TEST_RATIO) && !(testRatio > 0 && testRatio < 1)) {
            throw new InvalidConfigurationException(
                    TEST_RATIO, options.getString(TEST_RATIO, null), "must lie strictly between 0 and 1");
        }
        Long seed = null;
        if (options.keys().contains(SEED)) {
            try {
                seed = Long.parseLong(options.getString(SEED, "").trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException(SEED, options.getString(SEED, null), "expected an integer");
            }
        }
        String cacheDirText = options.getString(CACHE_DIR, null);
        Path cacheDir = cacheDirText == null || cacheDirText.isBlank() ? null : folder(CACHE_DIR, cacheDirText);
        return new ImageFolderOptions(
                root,
                size,
                channels,
                testRatio,
                seed,
                options.getBoolean(SKIP_BAD, false),
                options.getBoolean(CACHE, true),
                cacheDir);
    }

    /** The hold-out fraction to use. */
    double effectiveTestRatio() {
        return Double.isNaN(testRatio) ? DEFAULT_TEST_RATIO : testRatio;
    }

    /** The hold-out seed to use. */
    long effectiveSeed() {
        return seed != null ? seed : DEFAULT_SEED;
    }

    /** The folder that holds the cache files. */
    Path effectiveCacheDir() {
        return cacheDir != null ? cacheDir : root.resolve(CACHE_DIR_NAME);
    }

    /**
     * The options that load the same data again: the path absolute, the size and channels as resolved, the hold-out
     * settings when the test split is held out, and the other options as given.
     */
    PluginOptions resolved(ImageSize resolvedSize, int resolvedChannels, boolean heldOut) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(PATH, root.toString());
        values.put(SIZE, resolvedSize.toString());
        values.put(CHANNELS, Integer.toString(resolvedChannels));
        if (heldOut) {
            values.put(TEST_RATIO, Double.toString(effectiveTestRatio()));
            values.put(SEED, Long.toString(effectiveSeed()));
        }
        if (skipBad) {
            values.put(SKIP_BAD, "true");
        }
        if (!cache) {
            values.put(CACHE, "false");
        }
        if (cacheDir != null) {
            values.put(CACHE_DIR, cacheDir.toString());
        }
        return new PluginOptions(values);
    }

    private static Path folder(String option, String text) {
        try {
            return Path.of(text.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidConfigurationException(option, text, "not a valid path: " + e.getReason());
        }
    }
}
