package org.mltoolkit.plugin.support.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ChecksumMismatchException;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

/** The fetch policy on a made-up dataset {@code digits} of three files ({@link TestFiles}). */
class DatasetFetcherTest {
    private static final String WRONG_SHA256 = "00".repeat(32);

    @TempDir
    Path dataDir;

    private final TestFiles.RecordingProgress progress = new TestFiles.RecordingProgress();

    /** Where a test writes the files its sources deliver: beside, not inside, the dataset's directory. */
    private Path fixtures(String name) {
        return dataDir.resolve("fixtures").resolve(name);
    }

    private static DatasetFetcher digits(List<FileSource> sources) {
        return new DatasetFetcher("digits", TestFiles.expected(), sources);
    }

    @Test
    void fetchesUncompressedFilesFromTheNamedDirectory() throws IOException {
        Path from = TestFiles.plain(fixtures("plain"));
        FailingSource neverReached = new FailingSource("later source", "must not be asked");
        DatasetFetcher fetcher = digits(List.of(neverReached));

        List<FetchedFile> fetched = fetcher.fetch(new FetchRequest(dataDir, Optional.of(from), progress));

        assertEquals(TestFiles.NAMES, fetched.stream().map(FetchedFile::name).toList());
        for (FetchedFile file : fetched) {
            assertEquals(dataDir.resolve("digits").resolve(file.name()), file.path());
            assertEquals(from.resolve(file.name()).toString(), file.source());
            assertEquals(Sha256.of(TestFiles.content(file.name())), file.sha256());
            assertArrayEquals(Files.readAllBytes(from.resolve(file.name())), Files.readAllBytes(file.path()));
        }
        assertEquals(TestFiles.sorted(TestFiles.NAMES), TestFiles.listing(dataDir.resolve("digits")), "no leftovers");
        assertEquals(0, neverReached.calls);
        assertTrue(progress.messages.contains("alpha.bin: trying directory you named " + from));
        assertEquals(0, progress.open, "every start is finished");
        assertTrue(fetcher.isPresent(dataDir));
        assertEquals(
                fetcher.paths(dataDir), fetched.stream().map(FetchedFile::path).toList());
    }

    @Test
    void fetchesGzippedFilesAndStoresThemUncompressed() throws IOException {
        Path from = TestFiles.gzipped(fixtures("gzipped"));

        List<FetchedFile> fetched = digits(List.of()).fetch(new FetchRequest(dataDir, Optional.of(from), progress));

        for (FetchedFile file : fetched) {
            assertEquals(from.resolve(file.name() + ".gz").toString(), file.source());
            assertArrayEquals(TestFiles.content(file.name()), Files.readAllBytes(file.path()));
        }
        assertEquals(TestFiles.sorted(TestFiles.NAMES), TestFiles.listing(dataDir.resolve("digits")));
        long compressedBytes = 0;
        for (String name : TestFiles.NAMES) {
            compressedBytes += Files.size(from.resolve(name + ".gz"));
        }
        assertEquals(compressedBytes, progress.advanced, "progress counts the bytes read from the source");
    }

    @Test
    void presentFilesAreVerifiedAndNotFetchedAgain() {
        TestFiles.plain(dataDir.resolve("digits"));
        FailingSource source = new FailingSource("mirror", "must not be asked");

        List<FetchedFile> fetched =
                digits(List.of(source)).fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(3, fetched.size());
        for (FetchedFile file : fetched) {
            assertEquals("already present", file.source());
            assertEquals(Sha256.of(TestFiles.content(file.name())), file.sha256());
        }
        assertEquals(0, source.calls);
        assertTrue(progress.messages.contains("gamma.bin: already present, SHA-256 verified"));
    }

    @Test
    void presentGzippedFilesCountAsPresentAndAreRead() {
        Path dir = TestFiles.gzipped(dataDir.resolve("digits"));
        DatasetFetcher fetcher = digits(List.of());
        assertTrue(fetcher.isPresent(dataDir));
        assertEquals(dir.resolve("beta.bin.gz"), fetcher.locate(dataDir, "beta.bin"));

        List<FetchedFile> fetched = fetcher.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(dir.resolve("alpha.bin.gz"), fetched.get(0).path());
        assertEquals("already present", fetched.get(0).source());
    }

    @Test
    void aMissingFileIsLocatedWithAMessageSayingHowToGetIt() {
        DatasetFetcher fetcher = digits(List.of());
        assertFalse(fetcher.isPresent(dataDir));
        DataFormatException e = assertThrows(DataFormatException.class, () -> fetcher.locate(dataDir, "alpha.bin"));
        assertEquals(
                dataDir.resolve("digits").resolve("alpha.bin")
                        + ": missing: neither it nor alpha.bin.gz exists (fetch the dataset first)",
                e.getMessage());
    }

    @Test
    void aPresentFileWithTheWrongChecksumIsAnErrorAndStaysUntouched() throws IOException {
        Path dir = TestFiles.plain(dataDir.resolve("digits"));
        Path wrong = Files.write(dir.resolve("beta.bin"), new byte[] {1, 2, 3});
        DatasetFetcher fetcher = digits(List.of(new DirectorySource(TestFiles.plain(fixtures("plain")))));

        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> fetcher.fetch(new FetchRequest(dataDir, Optional.empty(), progress)));

        assertEquals(wrong, e.getFile());
        assertEquals(Sha256.of(TestFiles.content("beta.bin")), e.getExpected());
        assertEquals(Sha256.ofContent(wrong), e.getActual());
        assertTrue(e.getMessage().startsWith(wrong + ": SHA-256 mismatch: expected "), e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(wrong));
        assertTrue(progress.messages.stream().anyMatch(m -> m.contains("delete it to fetch it again")));
    }

    @Test
    void aChecksumMismatchFromALocalSourceNamesItAndLeavesNothingInPlace() {
        Path from = TestFiles.plain(fixtures("plain"));
        DatasetFetcher fetcher = new DatasetFetcher(
                "digits",
                TestFiles.expectedWith("alpha.bin", WRONG_SHA256),
                List.of(new DirectorySource(TestFiles.gzipped(fixtures("gzipped")))));

        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> fetcher.fetch(new FetchRequest(dataDir, Optional.of(from), progress)));

        assertEquals(from.resolve("alpha.bin"), e.getFile());
        assertEquals(WRONG_SHA256, e.getExpected());
        assertEquals(
                List.of(), TestFiles.listing(dataDir.resolve("digits")), "neither the file nor its temporary file");
    }

    @Test
    void aChecksumMismatchFromARemoteSourceNamesTheTargetAndLeavesNothingInPlace() {
        DatasetFetcher fetcher = new DatasetFetcher(
                "digits",
                TestFiles.expectedWith("gamma.bin", WRONG_SHA256),
                List.of(new RemoteLikeSource(TestFiles.plain(fixtures("plain")))));

        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> fetcher.fetch(new FetchRequest(dataDir, Optional.empty(), progress)));

        Path dir = dataDir.resolve("digits");
        assertEquals(dir.resolve("gamma.bin"), e.getFile());
        // The two files before it were verified and stay; the bad one left nothing behind.
        assertEquals(TestFiles.sorted(TestFiles.NAMES.subList(0, 2)), TestFiles.listing(dir));
        assertTrue(
                progress.messages.contains(
                        "gamma.bin: remote gamma.bin delivered content with the wrong SHA-256; nothing was kept"),
                progress.messages.toString());
    }

    @Test
    void aFailingSourceFallsThroughToTheNextOne() {
        FailingSource down = new FailingSource("mirror down.example", "unknown host down.example");
        PartialThenFailingSource cutOff = new PartialThenFailingSource();
        Path gzipped = TestFiles.gzipped(fixtures("gzipped"));
        DatasetFetcher fetcher = digits(List.of(down, cutOff, new DirectorySource(gzipped)));

        List<FetchedFile> fetched = fetcher.fetch(new FetchRequest(dataDir, Optional.empty(), progress));

        assertEquals(3, fetched.size());
        assertEquals(3, down.calls);
        assertEquals(3, cutOff.calls);
        assertEquals(gzipped.resolve("alpha.bin.gz").toString(), fetched.get(0).source());
        assertEquals(
                List.of(
                        "alpha.bin: trying mirror down.example",
                        "alpha.bin: mirror down.example failed: unknown host down.example",
                        "alpha.bin: trying cut-off source",
                        "alpha.bin: cut-off source failed: connection reset after 5 bytes",
                        "alpha.bin: trying directory " + gzipped),
                progress.messages.subList(0, 5));
        assertEquals(
                TestFiles.sorted(TestFiles.NAMES),
                TestFiles.listing(dataDir.resolve("digits")),
                "the partial temporary files are gone");
        assertEquals(1, down.closed, "every session is closed once");
        assertEquals(1, cutOff.closed, "every session is closed once");
    }

    @Test
    void whenEverySourceFailsOneLineNamesTheFileAndEachSource(@TempDir Path empty) {
        FailingSource down = new FailingSource("mirror down.example", "timed out (connect timed out)");

        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> digits(List.of(down)).fetch(new FetchRequest(dataDir, Optional.of(empty), progress)));

        assertFalse(e instanceof ChecksumMismatchException);
        assertEquals(
                "cannot fetch alpha.bin of dataset digits: every source failed: "
                        + "directory you named " + empty
                        + ": neither alpha.bin nor alpha.bin.gz is in "
                        + empty + "; mirror down.example: timed out (connect timed out)",
                e.getMessage());
        assertEquals(List.of(), TestFiles.listing(dataDir.resolve("digits")));
        assertEquals(1, down.closed, "sessions are closed after a failure too");
    }

    @Test
    void aFileWhoseContentRunsPastWhatItCanHoldIsRefusedNamingItWithNothingHalfWritten() throws IOException {
        Path from = TestFiles.gzipped(fixtures("bomb"));
        byte[] bomb = TestFiles.gzippedZeros(64L << 20);
        assertTrue(bomb.length < 100_000, "64 MiB of content in " + bomb.length + " bytes of gzip");
        Path bombFile = Files.write(from.resolve("alpha.bin.gz"), bomb);

        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> digits(List.of()).fetch(new FetchRequest(dataDir, Optional.of(from), progress)));

        assertFalse(e instanceof ChecksumMismatchException, e.getMessage());
        assertEquals(
                "cannot fetch alpha.bin of dataset digits: every source failed: directory you named " + from + ": "
                        + bombFile + " decompresses to more than the 4096 bytes alpha.bin can hold; refused before"
                        + " writing beyond them",
                e.getMessage());
        assertEquals(List.of(), TestFiles.listing(dataDir.resolve("digits")), "nothing half-written is left");

        Path target = Files.createFile(dataDir.resolve("target"));
        try (FileSource.Session session = new DirectorySource(from).open(progress)) {
            assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("alpha.bin"), target));
        }
        assertTrue(Files.size(target) <= TestFiles.MAX_BYTES, "wrote " + Files.size(target) + " bytes");

        Path oversized = TestFiles.plain(fixtures("oversized"));
        Files.write(oversized.resolve("beta.bin"), new byte[(int) TestFiles.MAX_BYTES + 1]);
        try (FileSource.Session session = new DirectorySource(oversized).open(progress)) {
            IOException plain =
                    assertThrows(IOException.class, () -> session.copyTo(TestFiles.expected("beta.bin"), target));
            assertEquals(
                    oversized.resolve("beta.bin") + " holds more than the 4096 bytes beta.bin can hold; refused before"
                            + " writing beyond them",
                    plain.getMessage());
        }
        assertEquals(0, progress.open, "every start is finished");
    }

    @Test
    void withoutSourcesTheErrorSaysSo() {
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> digits(List.of()).fetch(new FetchRequest(dataDir, Optional.empty(), ProgressListener.NONE)));
        assertEquals("cannot fetch alpha.bin of dataset digits: no sources to try", e.getMessage());
    }

    @Test
    void aMissingNamedDirectoryIsOneOfTheReasons(@TempDir Path tmp) {
        Path missing = tmp.resolve("nowhere");
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> digits(List.of()).fetch(new FetchRequest(dataDir, Optional.of(missing), ProgressListener.NONE)));
        assertTrue(
                e.getMessage().endsWith("directory you named " + missing + ": no such directory " + missing),
                e.getMessage());
    }

    @Test
    void eachFileComesFromTheFirstSourceThatHasIt(@TempDir Path partial) throws IOException {
        Files.write(partial.resolve("beta.bin"), TestFiles.content("beta.bin"));
        Path rest = TestFiles.gzipped(fixtures("gzipped"));

        List<FetchedFile> fetched = digits(List.of(new DirectorySource(rest)))
                .fetch(new FetchRequest(dataDir, Optional.of(partial), progress));

        assertEquals(
                List.of(
                        rest.resolve("alpha.bin.gz").toString(),
                        partial.resolve("beta.bin").toString(),
                        rest.resolve("gamma.bin.gz").toString()),
                fetched.stream().map(FetchedFile::source).toList());
    }

    @Test
    void filesAndChecksumsAreChecked() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ExpectedFile("data/train.csv", WRONG_SHA256, 1));
        assertEquals("'data/train.csv' is not a plain file name", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ExpectedFile("train.csv", "ABC", 1));
        assertEquals("the SHA-256 of train.csv must be 64 lower-case hexadecimal digits, not 'ABC'", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new DatasetFetcher(
                        "digits",
                        List.of(new ExpectedFile("a", WRONG_SHA256, 1), new ExpectedFile("a", WRONG_SHA256, 1)),
                        List.of()));
        assertEquals("dataset digits lists a twice", e.getMessage());
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
                public Delivery copyTo(ExpectedFile file, Path target) throws IOException {
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
                public Delivery copyTo(ExpectedFile file, Path target) throws IOException {
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
                public Delivery copyTo(ExpectedFile file, Path target) throws IOException {
                    directory.copy(file, target, progress);
                    return new Delivery("remote " + file.name(), null);
                }

                @Override
                public void close() {
                    // Nothing held.
                }
            };
        }
    }
}
