package org.mltoolkit.plugin.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.LoadRequest;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.plugin.images.ImageFolderDatasetTest.Messages;

class ImageCacheTest {
    private final ImageFolderDataset dataset = new ImageFolderDataset();

    @TempDir
    Path dir;

    @BeforeEach
    void images() {
        ImageFolders.grey(dir.resolve("train/a/1.png"), 6, 6, 10);
        ImageFolders.grey(dir.resolve("train/a/2.png"), 6, 6, 20);
        ImageFolders.grey(dir.resolve("train/b/3.png"), 6, 6, 30);
        ImageFolders.grey(dir.resolve("test/a/4.png"), 6, 6, 40);
        ImageFolders.grey(dir.resolve("test/b/5.png"), 6, 6, 50);
    }

    DatasetSplits load(Messages messages, Map<String, String> extra) {
        Map<String, String> options = new java.util.HashMap<>(extra);
        options.put("path", dir.toString());
        return dataset.load(new LoadRequest(dir, new PluginOptions(options), messages));
    }

    DatasetSplits load(Messages messages) {
        return load(messages, Map.of());
    }

    private Path cacheFile() {
        return dir.resolve(".toolkit-cache/images-6x6x1.cache");
    }

    /**
     * The launcher sizes the heap of an {@code images} command from the largest cache file of the folder, found by
     * literals of its own (the cli does not depend on this plugin): the files a load writes, in the folder's cache
     * and in a {@code cache-dir}, must be the ones those literals find.
     */
    @Test
    void theLauncherFindsTheCacheFilesALoadWrites(@TempDir Path elsewhere) throws IOException {
        String launcher = Files.readString(Path.of("..", "toolkit"));
        Matcher glob = Pattern.compile("-name '(images-[^']*)'").matcher(launcher);
        assertTrue(glob.find(), "the launcher's find pattern for cache files");
        PathMatcher cacheFiles = dir.getFileSystem().getPathMatcher("glob:" + glob.group(1));
        assertTrue(
                launcher.contains(":-$images_path/" + ImageFolderOptions.CACHE_DIR_NAME + "}"),
                "the launcher's default cache folder is the folder's " + ImageFolderOptions.CACHE_DIR_NAME);
        assertTrue(launcher.contains(ImageFolderOptions.CACHE_DIR + "=*)"), "the launcher reads the cache-dir option");

        load(new Messages());
        load(new Messages(), Map.of(ImageFolderOptions.CACHE_DIR, elsewhere.toString()));
        for (Path folder : List.of(cacheFile().getParent(), elsewhere)) {
            try (Stream<Path> files = Files.list(folder)) {
                List<Path> written = files.toList();
                assertFalse(written.isEmpty(), folder.toString());
                for (Path file : written) {
                    assertTrue(cacheFiles.matches(file.getFileName()), file + " against " + glob.group(1));
                }
            }
        }
    }

    @Test
    void aSecondLoadReadsTheCacheAndGivesTheSameData() {
        Messages first = new Messages();
        DatasetSplits decoded = load(first);
        assertTrue(Files.isRegularFile(cacheFile()));
        assertEquals(cacheFile() + " (written)", decoded.details().get("cache"));
        assertTrue(
                first.lines.stream().anyMatch(l -> l.startsWith("images: decoded 5 images in ")),
                first.lines.toString());

        Messages second = new Messages();
        DatasetSplits cached = load(second);
        assertHit(cached);
        assertTrue(second.lines.isEmpty(), second.lines.toString());
        assertArrayEquals(
                ImageFolderDatasetTest.features(decoded.train()), ImageFolderDatasetTest.features(cached.train()));
        assertArrayEquals(decoded.test().labels(), cached.test().labels());
        assertEquals(decoded.details().get("sizes"), cached.details().get("sizes"));
        assertEquals(decoded.options(), cached.options());
        // The recorded options, size and channels given, find the same cache file.
        DatasetSplits again = dataset.load(new LoadRequest(dir, cached.options(), new Messages()));
        assertHit(again);
        assertNoLeftovers();
    }

    @Test
    void aChangedAddedOrRemovedFileDecodesAgain() throws IOException {
        load(new Messages());
        ImageFolders.grey(dir.resolve("train/a/1.png"), 6, 6, 99);
        DatasetSplits changed = load(new Messages());
        assertEquals(cacheFile() + " (written)", changed.details().get("cache"));
        assertEquals(99 / 255f, ImageFolderDatasetTest.pixel(changed.train(), 0, 0, 3, 3), 1e-6);

        ImageFolders.grey(dir.resolve("train/b/6.png"), 6, 6, 60);
        assertEquals(4, load(new Messages()).train().size());
        Files.delete(dir.resolve("train/b/6.png"));
        DatasetSplits removed = load(new Messages());
        assertEquals(3, removed.train().size());
        assertEquals(cacheFile() + " (written)", removed.details().get("cache"));
        assertHit(load(new Messages()));
    }

    @Test
    void aLoadThatLeavesSizeAndChannelsToTheDataFindsTheirCacheByTheDigestAlone() {
        load(new Messages());
        load(new Messages(), Map.of("size", "3x3", "channels", "3"));
        byte[] digest = FolderReader.inspect(FolderScan.of(dir), false, org.mltoolkit.api.ProgressListener.NONE)
                .digest();
        Path cacheDir = dir.resolve(".toolkit-cache");
        assertEquals(
                java.util.Optional.of(cacheFile()),
                ImageCache.findChosenFromData(cacheDir, dir, false, digest, null, 0));
        assertEquals(new ImageSize(6, 6), ImageCache.sizeOf(cacheFile()));
        assertEquals(1, ImageCache.channelsOf(cacheFile()));
        // The 3x3 file's settings were given, not chosen: it answers only a request that gives them.
        assertEquals(
                java.util.Optional.of(dir.resolve(".toolkit-cache/images-3x3x3.cache")),
                ImageCache.findChosenFromData(cacheDir, dir, false, digest, new ImageSize(3, 3), 3));
        assertEquals(
                java.util.Optional.empty(), ImageCache.findChosenFromData(cacheDir, dir, false, new byte[32], null, 0));
        assertHit(load(new Messages()));
    }

    @Test
    void otherSettingsGetTheirOwnFile() {
        load(new Messages());
        DatasetSplits small = load(new Messages(), Map.of("size", "3x3"));
        assertEquals(
                dir.resolve(".toolkit-cache/images-3x3x1.cache") + " (written)",
                small.details().get("cache"));
        assertTrue(Files.isRegularFile(cacheFile()));
    }

    @Test
    void aDamagedCacheIsDecodedAgainAndReplaced() throws IOException {
        load(new Messages());
        byte[] bytes = Files.readAllBytes(cacheFile());
        bytes[bytes.length - 20] ^= 0x55;
        Files.write(cacheFile(), bytes);
        Messages messages = new Messages();
        DatasetSplits splits = load(messages);
        assertTrue(
                messages.lines.contains("images: the cache file " + cacheFile()
                        + " cannot be used (its checksum does not match its contents); decoding again"),
                messages.lines.toString());
        assertEquals(10 / 255f, ImageFolderDatasetTest.pixel(splits.train(), 0, 0, 3, 3), 1e-6);
        assertHit(load(new Messages()));

        Files.write(cacheFile(), java.util.Arrays.copyOf(bytes, 40));
        Messages truncated = new Messages();
        load(truncated);
        assertTrue(
                truncated.lines.get(0).endsWith("cannot be used (it ends too early); decoding again"),
                truncated.lines.toString());
    }

    @Test
    void whereTheCacheCannotBeWrittenTheDataLoadsWithOneWarning() throws IOException {
        // A file where the cache folder would go: the same failure as a read-only folder, also for root.
        Files.writeString(dir.resolve(".toolkit-cache"), "in the way");
        Messages messages = new Messages();
        DatasetSplits splits = load(messages);
        assertEquals(5, splits.train().size() + splits.test().size());
        List<String> warnings =
                messages.lines.stream().filter(l -> l.startsWith("warning: ")).toList();
        assertEquals(1, warnings.size(), messages.lines.toString());
        assertTrue(
                warnings.get(0).contains("cannot write the cache in " + dir.resolve(".toolkit-cache")),
                warnings.get(0));
        assertTrue(
                splits.details().get("cache").startsWith("not written: "),
                splits.details().toString());
        assertEquals("in the way", Files.readString(dir.resolve(".toolkit-cache")));
    }

    @Test
    void aReadOnlyFolderLoadsWithOneWarningAndNothingWritten() throws IOException {
        Path cacheDir = Files.createDirectory(dir.resolve(".toolkit-cache"));
        Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(cacheDir), "this user may write anywhere (root): covered by the test above");
            Messages messages = new Messages();
            load(messages);
            assertEquals(
                    1,
                    messages.lines.stream()
                            .filter(l -> l.startsWith("warning: "))
                            .count());
            try (Stream<Path> files = Files.list(cacheDir)) {
                assertEquals(0, files.count());
            }
        } finally {
            Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void cacheFalseWritesNothingAndCacheDirPutsItElsewhereNamedForTheFolder(@TempDir Path elsewhere) {
        DatasetSplits none = load(new Messages(), Map.of("cache", "false"));
        assertEquals("off (cache=false)", none.details().get("cache"));
        assertFalse(Files.exists(dir.resolve(".toolkit-cache")));

        DatasetSplits shared = load(new Messages(), Map.of("cache-dir", elsewhere.toString()));
        assertFalse(Files.exists(dir.resolve(".toolkit-cache")));
        String note = shared.details().get("cache");
        assertTrue(
                note.startsWith(elsewhere.resolve("images-6x6x1-").toString()) && note.endsWith(".cache (written)"),
                note);
        assertEquals(elsewhere.toString(), shared.options().getString("cache-dir", null));
    }

    /** The load read the cache and decoded nothing. */
    private void assertHit(DatasetSplits splits) {
        String note = splits.details().get("cache");
        assertTrue(note.startsWith(cacheFile() + " (read in ") && note.endsWith("; no image decoded)"), note);
    }

    private void assertNoLeftovers() {
        try (Stream<Path> files = Files.list(cacheFile().getParent())) {
            assertEquals(List.of(cacheFile()), files.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
