package org.mltoolkit.plugin.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.LoadRequest;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

class ImageFolderDatasetTest {
    private final ImageFolderDataset dataset = new ImageFolderDataset();

    @TempDir
    Path dir;

    /** Listens to messages only. */
    static final class Messages implements ProgressListener {
        final List<String> lines = new ArrayList<>();

        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long amount) {}

        @Override
        public void finish() {}

        @Override
        public void message(String line) {
            lines.add(line);
        }
    }

    DatasetSplits load(Messages messages, String... options) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("path", dir.toString());
        for (String option : options) {
            String[] kv = option.split("=", 2);
            values.put(kv[0], kv[1]);
        }
        return dataset.load(new LoadRequest(dir.resolve("unused-data-dir"), new PluginOptions(values), messages));
    }

    DatasetSplits load(String... options) {
        return load(new Messages(), options);
    }

    @Test
    void trainAndTestFoldersInEveryFormatGreyFilesGiveOneChannel() {
        ImageFolders.grey(dir.resolve("train/cat/a.png"), 8, 6, 100);
        ImageFolders.grey(dir.resolve("train/cat/b.jpg"), 8, 6, 100);
        ImageFolders.grey(dir.resolve("train/dog/c.bmp"), 8, 6, 200);
        ImageFolders.grey(dir.resolve("train/dog/d.gif"), 8, 6, 200);
        ImageFolders.grey(dir.resolve("test/cat/e.png"), 8, 6, 100);
        ImageFolders.grey(dir.resolve("test/dog/f.png"), 16, 12, 200);

        DatasetSplits splits = load();

        assertEquals(List.of("cat", "dog"), splits.classNames());
        assertEquals(new ExampleShape(1, 8, 6), splits.train().shape());
        assertArrayEquals(new int[] {0, 0, 1, 1}, splits.train().labels());
        assertArrayEquals(new int[] {0, 1}, splits.test().labels());
        // Rows below the first hold the value as stored, scaled to [0, 1]; JPEG is close.
        assertEquals(100 / 255f, pixel(splits.train(), 0, 0, 3, 3), 1e-6);
        assertEquals(100 / 255f, pixel(splits.train(), 1, 0, 3, 3), 3 / 255f);
        assertEquals(200 / 255f, pixel(splits.train(), 2, 0, 3, 3), 1e-6);
        assertEquals(200 / 255f, pixel(splits.test(), 1, 0, 3, 3), 1e-6);
        assertEquals("train/ and test/ folders", splits.details().get("layout"));
        assertEquals("8x6 (5), 16x12 (1)", splits.details().get("sizes"));
        assertEquals("6 grey, 0 colour", splits.details().get("colour"));
        PluginOptions resolved = splits.options();
        assertEquals(dir.toString(), resolved.getString("path", null));
        assertEquals("8x6", resolved.getString("size", null));
        assertEquals("1", resolved.getString("channels", null));
        assertNull(resolved.getString("test-ratio", null));
    }

    @Test
    void aColourImageMakesThreeChannelsAndChannelsOneTakesTheLuma() {
        ImageFolders.grey(dir.resolve("a/1.png"), 4, 4, 50);
        ImageFolders.colour(dir.resolve("b/2.png"), 4, 4, 0xFF0000);
        ImageFolders.colour(dir.resolve("b/3.bmp"), 4, 4, 0x00FF00);

        DatasetSplits colour = load("test-ratio=0.5");
        assertEquals(new ExampleShape(3, 4, 4), colour.train().shape());
        assertEquals("3", colour.options().getString("channels", null));

        DatasetSplits grey = load("test-ratio=0.5", "channels=1");
        assertEquals(new ExampleShape(1, 4, 4), grey.train().shape());
        float[] all = concat(grey.train(), grey.test());
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            values.add(all[i * 16 + 5]);
        }
        assertTrue(values.contains(Math.round(0.299f * 255) / 255f), values.toString());
        assertTrue(values.contains(Math.round(0.587f * 255) / 255f), values.toString());
    }

    @Test
    void classFoldersDirectlyUnderTheRootHoldOutASeededStratifiedTestSplit() {
        for (int i = 0; i < 10; i++) {
            ImageFolders.grey(dir.resolve("zero/" + i + ".png"), 4, 4, i);
            ImageFolders.grey(dir.resolve("one/" + i + ".png"), 4, 4, 100 + i);
        }
        DatasetSplits first = load("test-ratio=0.2");
        assertEquals(List.of("one", "zero"), first.classNames());
        assertEquals(16, first.train().size());
        assertArrayEquals(new int[] {0, 0, 1, 1}, first.test().labels());
        assertArrayEquals(
                features(first.test()), features(load("test-ratio=0.2").test()));
        DatasetSplits otherSeed = load("test-ratio=0.2", "split-seed=7");
        assertTrue(!java.util.Arrays.equals(features(first.test()), features(otherSeed.test())));
        assertEquals("0.2", first.options().getString("test-ratio", null));
        assertEquals("0", first.options().getString("split-seed", null));
        assertEquals(18, load().train().size(), "the default test-ratio is 0.1");
    }

    @Test
    void aTrainFolderAloneIsHeldOutFromAndTestRatioDoesNotApplyWhenThereIsATestFolder() {
        for (int i = 0; i < 4; i++) {
            ImageFolders.grey(dir.resolve("train/a/" + i + ".png"), 4, 4, 10);
            ImageFolders.grey(dir.resolve("train/b/" + i + ".png"), 4, 4, 20);
        }
        DatasetSplits splits = load("test-ratio=0.25");
        assertEquals(List.of("a", "b"), splits.classNames());
        assertEquals(2, splits.test().size());

        ImageFolders.grey(dir.resolve("test/a/x.png"), 4, 4, 10);
        Messages messages = new Messages();
        DatasetSplits split = load(messages, "test-ratio=0.25");
        assertEquals(1, split.test().size());
        assertNull(split.options().getString("test-ratio", null));
        assertTrue(
                messages.lines.contains("images: test-ratio and split-seed do not apply: " + dir.resolve("test")
                        + " is the test split"),
                messages.lines.toString());
    }

    @Test
    void sizeResizesEveryImageAndTheMostCommonSizeIsTheDefault() {
        ImageFolders.grey(dir.resolve("a/1.png"), 10, 20, 80);
        ImageFolders.grey(dir.resolve("a/2.png"), 10, 20, 80);
        ImageFolders.grey(dir.resolve("b/3.png"), 30, 30, 80);
        assertEquals(new ExampleShape(1, 10, 20), load("test-ratio=0.3").train().shape());
        DatasetSplits resized = load("test-ratio=0.3", "size=5x4");
        assertEquals(new ExampleShape(1, 5, 4), resized.train().shape());
        // A uniform area stays uniform: the resize averages.
        assertEquals(80 / 255f, pixel(resized.train(), 0, 0, 4, 2), 1 / 255f);
    }

    @Test
    void aCorruptFileIsOneLineNamingItAndSkipBadSkipsAndCountsIt() throws IOException {
        ImageFolders.grey(dir.resolve("a/1.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("a/2.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("b/3.png"), 4, 4, 20);
        ImageFolders.grey(dir.resolve("b/4.png"), 4, 4, 20);
        Path corrupt = dir.resolve("b/broken.png");
        Files.write(corrupt, java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("b/3.png")), 50));

        DataFormatException e = assertThrows(DataFormatException.class, () -> load("test-ratio=0.5"));
        assertEquals(corrupt, e.getFile());
        assertTrue(e.getMessage().startsWith(corrupt + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; skip-bad=true skips files that cannot be decoded"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));

        Messages messages = new Messages();
        DatasetSplits splits = load(messages, "test-ratio=0.5", "skip-bad=true");
        assertEquals(4, splits.train().size() + splits.test().size());
        assertTrue(
                splits.details().get("skipped").startsWith("1 that cannot be decoded: b/broken.png ("),
                splits.details().toString());
        assertTrue(
                messages.lines.stream()
                        .anyMatch(l -> l.startsWith(
                                "images: skipped 1 file that cannot be decoded" + " (skip-bad=true): b/broken.png: ")),
                messages.lines.toString());
        assertEquals("true", splits.options().getString("skip-bad", null));
    }

    @Test
    void filesThatAreNotImagesAreIgnoredAndReportedHiddenOnesSilently() {
        ImageFolders.grey(dir.resolve("a/1.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("a/2.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("b/3.png"), 4, 4, 20);
        ImageFolders.grey(dir.resolve("b/4.png"), 4, 4, 20);
        ImageFolders.text(dir.resolve("a/notes.txt"), "not an image");
        ImageFolders.text(dir.resolve("b/.DS_Store"), "hidden");
        ImageFolders.text(dir.resolve("README"), "loose file");
        Messages messages = new Messages();
        DatasetSplits splits = load(messages, "test-ratio=0.5");
        assertEquals("2 not images: README, a/notes.txt", splits.details().get("ignored"));
        assertTrue(
                messages.lines.contains(
                        "images: ignored 2 files that are not an image (by extension): README, a/notes.txt"),
                messages.lines.toString());
    }

    @Test
    void layoutProblemsAreOneLineNamingTheFolder() {
        ImageFolders.grey(dir.resolve("only/1.png"), 4, 4, 10);
        DataFormatException one = assertThrows(DataFormatException.class, () -> load());
        assertEquals(
                dir + ": holds 1 class folder; an image folder needs at least two, one per class (expected"
                        + " DIR/train/<class>/* with DIR/test/<class>/*, or DIR/<class>/*)",
                one.getMessage());

        ImageFolders.text(dir.resolve("empty/notes.txt"), "no image here");
        DataFormatException empty = assertThrows(DataFormatException.class, () -> load());
        assertEquals(
                dir.resolve("empty") + ": class folder holds no image (PNG, JPEG, BMP or GIF); remove it or add"
                        + " images",
                empty.getMessage());
    }

    @Test
    void aTestClassTheTrainingSplitLacksIsRefused() {
        ImageFolders.grey(dir.resolve("train/a/1.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("train/b/2.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("test/c/3.png"), 4, 4, 10);
        DataFormatException e = assertThrows(DataFormatException.class, () -> load());
        assertEquals(dir.resolve("test/c"), e.getFile());
    }

    @Test
    void badOptionsAreOneLineNamingTheOption() {
        ImageFolders.grey(dir.resolve("a/1.png"), 4, 4, 10);
        ImageFolders.grey(dir.resolve("b/2.png"), 4, 4, 10);
        assertEquals(
                "invalid value 'x' for colour: not an option of dataset images (known: cache, cache-dir, channels,"
                        + " path, size, skip-bad, split-seed, test-ratio)",
                assertThrows(InvalidConfigurationException.class, () -> load("colour=x"))
                        .getMessage());
        assertEquals(
                "invalid value '2' for channels: expected 1 (grey) or 3 (RGB)",
                assertThrows(InvalidConfigurationException.class, () -> load("channels=2"))
                        .getMessage());
        assertEquals(
                "invalid value '28by28' for size: expected HEIGHTxWIDTH in pixels such as 28x28, each side 1 to 4096",
                assertThrows(InvalidConfigurationException.class, () -> load("size=28by28"))
                        .getMessage());
        assertEquals(
                "invalid value '1.5' for test-ratio: must lie strictly between 0 and 1",
                assertThrows(InvalidConfigurationException.class, () -> load("test-ratio=1.5"))
                        .getMessage());
        InvalidConfigurationException missing =
                assertThrows(InvalidConfigurationException.class, () -> dataset.load(dir));
        assertEquals(
                "invalid value 'null' for path: is required: the folder of images (--dataset-option path=DIR)",
                missing.getMessage());
        InvalidConfigurationException noFolder =
                assertThrows(InvalidConfigurationException.class, () -> load("path=" + dir.resolve("nowhere")));
        assertTrue(noFolder.getMessage().contains("no such folder"), noFolder.getMessage());
    }

    @Test
    void thereIsNothingToFetch() {
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> dataset.fetch(
                        new org.mltoolkit.api.FetchRequest(dir, java.util.Optional.empty(), ProgressListener.NONE)));
        assertTrue(e.getMessage().contains("nothing to fetch"), e.getMessage());
        assertTrue(dataset.files(dir).isEmpty());
    }

    static float pixel(LabeledData data, int example, int channel, int y, int x) {
        ExampleShape s = data.shape();
        float[] image = new float[s.size()];
        data.copyExample(example, image, 0);
        return image[(channel * s.height() + y) * s.width() + x];
    }

    /** Every feature of {@code data}, as floats, in one new array. */
    static float[] features(LabeledData data) {
        float[] all = new float[data.size() * data.shape().size()];
        data.copyRange(0, data.size(), all, 0);
        return all;
    }

    static float[] concat(LabeledData a, LabeledData b) {
        float[] first = features(a);
        float[] all = java.util.Arrays.copyOf(
                first, first.length + b.size() * b.shape().size());
        b.copyRange(0, b.size(), all, first.length);
        return all;
    }
}
