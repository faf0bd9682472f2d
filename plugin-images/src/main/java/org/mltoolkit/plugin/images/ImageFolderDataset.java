package org.mltoolkit.plugin.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.LoadRequest;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.images.FolderScan.Part;
import org.pf4j.Extension;

/**
 * The dataset {@code images}: the user's own labelled images, one folder per class, in the layout of torchvision's
 * ImageFolder (see {@link FolderScan}). Options (all {@code --dataset-option KEY=VALUE}):
 *
 * <ul>
 *   <li>{@code path=DIR} (required): the image folder.
 *   <li>{@code size=HxW}: every image is resized to this size; by default the most common size among the files.
 *   <li>{@code channels=1|3}: grey or RGB; by default 1 when every file is grey, 3 otherwise.
 *   <li>{@code test-ratio=R} (default 0.1) and {@code split-seed=N} (default 0): when the folder has no test split, this
 *       fraction of each class, drawn with this seed, is held out as the test split. A folder with a test split
 *       says that they do not apply and goes on.
 *   <li>{@code skip-bad=true}: files that cannot be read or decoded are skipped and counted instead of failing the
 *       load with one line naming the first.
 *   <li>{@code cache=false}, {@code cache-dir=DIR}: decoded images are cached in {@code DIR/.toolkit-cache/} unless
 *       turned off or put elsewhere (see {@link ImageCache}); a folder where the cache cannot be written is read
 *       without one, after one warning.
 * </ul>
 *
 * <p>Pixels are scaled to [0, 1] like MNIST's. Instances hold no state and may be used from several threads.
 */
@Extension
public final class ImageFolderDataset implements DatasetProvider {
    /** The name users type. */
    public static final String NAME = "images";

    /** How many bad or ignored files a message names before it says "and N more". */
    private static final int NAMED_FILES = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your own images: PNG, JPEG, BMP or GIF files in one folder per class (--dataset-option path=DIR)";
    }

    /** Unknown before loading: the size and channels depend on the files and options. */
    @Override
    public ExampleShape exampleShape() {
        return null;
    }

    /** Unknown before loading: the classes are the folder's class folders. */
    @Override
    public List<String> classNames() {
        return null;
    }

    /** None in the data directory: the images are wherever {@code path} says. */
    @Override
    public List<Path> files(Path dataDir) {
        return List.of();
    }

    @Override
    public boolean isPresent(Path dataDir) {
        return true;
    }

    /** Throws ToolkitException: there is nothing to fetch, the images are the user's. */
    @Override
    public List<FetchedFile> fetch(FetchRequest request) {
        throw new ToolkitException("dataset '" + NAME + "' reads your own folder of images (--dataset-option"
                + " path=DIR); there is nothing to fetch");
    }

    /** Throws InvalidConfigurationException: the folder must be named with the option {@code path}. */
    @Override
    public DatasetSplits load(Path dataDir) {
        return load(new LoadRequest(dataDir, PluginOptions.empty(), ProgressListener.NONE));
    }

    /**
     * Reads the folder the options name, from the cache when it holds these files at these settings, and returns the
     * splits with the options that load them again and details about the files. Throws InvalidConfigurationException
     * for a bad option, and DataFormatException naming the file or folder at fault: a layout without two classes, an
     * empty training class folder, a file that cannot be read or decoded (unless {@code skip-bad=true}), a split left
     * without images.
     */
    @Override
    public DatasetSplits load(LoadRequest request) {
        ImageFolderOptions options = ImageFolderOptions.parse(request.options());
        ProgressListener progress = request.progress();
        FolderScan scan = FolderScan.of(options.root());
        if (!scan.layout().heldOut() && (!Double.isNaN(options.testRatio()) || options.seed() != null)) {
            // Said, not refused: a checkpoint of a held-out folder evaluated on a folder with its own test split
            // brings these along.
            progress.message(
                    NAME + ": test-ratio and split-seed do not apply: " + scan.testFolder() + " is the test split");
        }
        if (!scan.ignored().isEmpty()) {
            progress.message(NAME + ": ignored " + count(scan.ignored().size(), "file") + " that "
                    + (scan.ignored().size() == 1 ? "is" : "are") + " not an image (by extension): "
                    + named(scan.ignored()));
        }
        boolean chooseFromData = options.size() == null || options.channels() == 0;
        long inspectStart = System.nanoTime();
        FolderReader.Inspection inspection = FolderReader.inspect(scan, false, progress);
        ImageSize size = options.size();
        int channels = options.channels();
        if (chooseFromData) {
            // A cache made from these contents with the data's choice knows it: then no header need be read.
            Optional<Path> chosen = options.cache()
                    ? ImageCache.findChosenFromData(
                            options.effectiveCacheDir(),
                            options.root(),
                            options.cacheDir() != null,
                            inspection.digest(),
                            size,
                            channels)
                    : Optional.empty();
            if (chosen.isPresent()) {
                size = ImageCache.sizeOf(chosen.get());
                channels = ImageCache.channelsOf(chosen.get());
            } else {
                inspection = FolderReader.inspect(scan, true, progress);
                size = size != null ? size : inspection.mostCommonSize(scan);
                channels = channels != 0 ? channels : inspection.allGrey() ? 1 : 3;
            }
        }
        double inspectSeconds = (System.nanoTime() - inspectStart) / 1e9;

        Loaded loaded = readOrDecode(options, scan, inspection, inspectSeconds, size, channels, progress);
        ImageSet images = loaded.images();
        if (!images.bad().isEmpty()) {
            ImageSet.BadFile first = images.bad().get(0);
            if (!options.skipBad()) {
                String more =
                        images.bad().size() > 1 ? " (and " + count(images.bad().size() - 1, "more bad file") + ")" : "";
                throw new DataFormatException(
                        options.root().resolve(first.relative()),
                        first.reason() + more + "; skip-bad=true skips files that cannot be decoded");
            }
            progress.message(NAME + ": skipped " + count(images.bad().size(), "file") + " that cannot be decoded"
                    + " (skip-bad=true): " + first.relative() + ": " + first.reason()
                    + (images.bad().size() > 1 ? ", and " + (images.bad().size() - 1) + " more" : ""));
        }
        return splits(scan, options, images, loaded.cacheNote());
    }

    /** Images, and what became of the cache, for the details. */
    private record Loaded(ImageSet images, String cacheNote) {}

    /**
     * The images from the cache when it holds these files at these settings; otherwise decoded, and cached unless
     * the options say not to. A damaged cache and a cache that cannot be written are said in one line each.
     * {@code inspectSeconds}, the time the files took to digest, goes into the note of a cache hit.
     */
    private static Loaded readOrDecode(
            ImageFolderOptions options,
            FolderScan scan,
            FolderReader.Inspection inspection,
            double inspectSeconds,
            ImageSize size,
            int channels,
            ProgressListener progress) {
        Path cacheFile = null;
        if (options.cache()) {
            cacheFile = ImageCache.file(
                    options.effectiveCacheDir(), options.root(), options.cacheDir() != null, size, channels);
            long readStart = System.nanoTime();
            ImageCache.Lookup lookup = ImageCache.read(cacheFile, inspection.digest(), size, channels);
            double readSeconds = (System.nanoTime() - readStart) / 1e9;
            if (lookup instanceof ImageCache.Lookup.Hit hit) {
                return new Loaded(
                        hit.images(),
                        String.format(
                                Locale.ROOT,
                                "%s (read in %.2f s, after %.2f s reading the files for their digest; no image"
                                        + " decoded)",
                                cacheFile,
                                readSeconds,
                                inspectSeconds));
            }
            if (lookup instanceof ImageCache.Lookup.Damaged damaged) {
                progress.message(NAME + ": the cache file " + cacheFile + " cannot be used (" + damaged.reason()
                        + "); decoding again");
            }
        }
        long start = System.nanoTime();
        ImageSet images = FolderReader.decode(scan, inspection, size, channels, progress);
        String decoded = String.format(
                Locale.ROOT,
                "decoded %,d images in %.1f s",
                images.entries().size(),
                (System.nanoTime() - start) / 1e9);
        if (cacheFile == null) {
            progress.message(NAME + ": " + decoded);
            return new Loaded(images, "off (cache=false)");
        }
        try {
            ImageCache.write(cacheFile, inspection.digest(), images, options.size() == null, options.channels() == 0);
            progress.message(NAME + ": " + decoded + "; cached in " + cacheFile
                    + " (later loads of these files read it instead)");
            return new Loaded(images, cacheFile + " (written)");
        } catch (IOException | RuntimeException e) {
            progress.message("warning: " + NAME + ": " + decoded + " but cannot write the cache in "
                    + cacheFile.getParent() + " (" + reason(e) + "), so later loads decode again"
                    + " (cache-dir=DIR puts the cache elsewhere, cache=false stops trying)");
            return new Loaded(images, "not written: " + reason(e));
        }
    }

    /** Divides the images into the training and test splits and describes them. */
    private static DatasetSplits splits(
            FolderScan scan, ImageFolderOptions options, ImageSet images, String cacheNote) {
        List<ImageSet.Entry> entries = images.entries();
        boolean[] test = new boolean[entries.size()];
        if (scan.layout().heldOut()) {
            holdOut(entries, scan.classes().size(), options.effectiveTestRatio(), options.effectiveSeed(), test);
        } else {
            for (int i = 0; i < entries.size(); i++) {
                test[i] = entries.get(i).part() == Part.TEST;
            }
        }
        ExampleShape shape = new ExampleShape(
                images.channels(), images.size().height(), images.size().width());
        LabeledData train = split(images, test, false, shape, scan.classes().size());
        LabeledData testData = split(images, test, true, shape, scan.classes().size());
        if (train.size() == 0) {
            throw new DataFormatException(scan.root(), "no training image could be decoded");
        }
        if (testData.size() == 0) {
            throw new DataFormatException(
                    scan.layout().heldOut() ? scan.root() : scan.testFolder(),
                    scan.layout().heldOut()
                            ? "too few images per class to hold out a test split with test-ratio="
                                    + options.effectiveTestRatio()
                            : "the test split holds no image that could be decoded");
        }
        return new DatasetSplits(
                NAME,
                train,
                testData,
                scan.classes(),
                options.resolved(images.size(), images.channels(), scan.layout().heldOut()),
                details(scan, options, images, cacheNote));
    }

    /**
     * Marks, in each class, {@code round(n * ratio)} images drawn with {@code seed} as test images, keeping at least
     * one image of every class for training. The draw depends only on the seed and the class's images in order.
     */
    static void holdOut(List<ImageSet.Entry> entries, int classes, double ratio, long seed, boolean[] test) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < entries.size(); i++) {
            byClass.get(entries.get(i).label()).add(i);
        }
        Random random = new Random(seed);
        for (List<Integer> members : byClass) {
            Collections.shuffle(members, random);
            int held = (int) Math.min(Math.round(members.size() * ratio), Math.max(0, members.size() - 1));
            for (int k = 0; k < held; k++) {
                test[members.get(k)] = true;
            }
        }
    }

    private static LabeledData split(ImageSet images, boolean[] test, boolean wanted, ExampleShape shape, int classes) {
        int count = 0;
        for (boolean t : test) {
            if (t == wanted) {
                count++;
            }
        }
        int size = images.imageBytes();
        byte[] values = new byte[count * size];
        int[] labels = new int[count];
        byte[] pixels = images.pixels();
        int n = 0;
        for (int i = 0; i < test.length; i++) {
            if (test[i] != wanted) {
                continue;
            }
            labels[n] = images.entries().get(i).label();
            System.arraycopy(pixels, i * size, values, n * size, size);
            n++;
        }
        return LabeledData.ofUnsignedBytes(values, 255f, labels, shape, classes);
    }

    private static Map<String, String> details(
            FolderScan scan, ImageFolderOptions options, ImageSet images, String cacheNote) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("folder", scan.root().toString());
        details.put(
                "layout",
                switch (scan.layout()) {
                    case SPLIT_FOLDERS -> "train/ and " + scan.testFolder().getFileName() + "/ folders";
                    case TRAIN_FOLDER_ONLY, CLASS_FOLDERS ->
                        String.format(
                                Locale.ROOT,
                                "%sclass folders; %.0f%% of each class held out as the test split (split-seed %d)",
                                scan.layout() == FolderScan.Layout.TRAIN_FOLDER_ONLY ? "train/ with " : "",
                                100 * options.effectiveTestRatio(),
                                options.effectiveSeed());
                });
        Map<ImageSize, Integer> sizes = new TreeMap<>();
        int grey = 0;
        for (ImageSet.Entry entry : images.entries()) {
            sizes.merge(entry.original(), 1, Integer::sum);
            if (entry.grey()) {
                grey++;
            }
        }
        List<String> sizeList = new ArrayList<>();
        sizes.entrySet().stream()
                .sorted(Map.Entry.<ImageSize, Integer>comparingByValue().reversed())
                .forEach(e -> sizeList.add(String.format(Locale.ROOT, "%s (%,d)", e.getKey(), e.getValue())));
        details.put("sizes", String.join(", ", sizeList));
        details.put(
                "colour",
                String.format(
                        Locale.ROOT,
                        "%,d grey, %,d colour",
                        grey,
                        images.entries().size() - grey));
        details.put(
                "resized", images.size() + ", " + (images.channels() == 1 ? "1 channel (grey)" : "3 channels (RGB)"));
        if (!images.bad().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (ImageSet.BadFile bad : images.bad()) {
                names.add(bad.relative() + " (" + bad.reason() + ")");
            }
            details.put("skipped", images.bad().size() + " that cannot be decoded: " + named(names));
        }
        if (!scan.ignored().isEmpty()) {
            details.put("ignored", scan.ignored().size() + " not images: " + named(scan.ignored()));
        }
        details.put("cache", cacheNote);
        return details;
    }

    /** The first few names, then how many more. */
    private static String named(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(NAMED_FILES, names.size())));
        return names.size() > NAMED_FILES ? shown + " and " + (names.size() - NAMED_FILES) + " more" : shown;
    }

    private static String count(int n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    private static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }
}
