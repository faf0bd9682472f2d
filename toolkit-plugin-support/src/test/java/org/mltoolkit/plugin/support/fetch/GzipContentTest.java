package org.mltoolkit.plugin.support.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DataFormatException;

/** Content of plain and gzipped files, and the one-line problems of broken ones, as checksums see them. */
class GzipContentTest {
    @TempDir
    Path dir;

    @Test
    void plainAndGzippedFilesGiveTheSameContentAndChecksum() throws IOException {
        byte[] content = TestFiles.content("alpha.bin");
        Path plain = Files.write(dir.resolve("alpha.bin"), content);
        Path gzipped = Files.write(dir.resolve("alpha.bin.GZ"), TestFiles.gzip(content));
        try (InputStream in = GzipContent.open(gzipped)) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertEquals(Sha256.of(content), Sha256.ofContent(plain));
        assertEquals(Sha256.of(content), Sha256.ofContent(gzipped));
        assertEquals(Sha256.of(content), Sha256.of(new ByteArrayInputStream(content)));
        assertEquals(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.of(new byte[0]), "empty");
    }

    @Test
    void brokenFilesAreNamedWithTheirProblem() throws IOException {
        Path missing = dir.resolve("missing.bin");
        DataFormatException e = assertThrows(DataFormatException.class, () -> Sha256.ofContent(missing));
        assertEquals(missing + ": cannot read: no such file", e.getMessage());

        Path notGzip = Files.write(dir.resolve("labels.gz"), new byte[] {'I', 'D', 'X'});
        e = assertThrows(DataFormatException.class, () -> GzipContent.open(notGzip));
        assertEquals(
                notGzip + ": is named .gz but is not gzip-compressed (it starts with 0x49 0x44, not 0x1f 0x8b)",
                e.getMessage());
        Path empty = Files.write(dir.resolve("empty.gz"), new byte[0]);
        e = assertThrows(DataFormatException.class, () -> GzipContent.open(empty));
        assertEquals(
                empty
                        + ": is named .gz but is not gzip-compressed (it starts with nothing: it is empty, not 0x1f 0x8b)",
                e.getMessage());

        byte[] whole = TestFiles.gzip(TestFiles.content("beta.bin"));
        Path truncated = Files.write(dir.resolve("beta.bin.gz"), Arrays.copyOf(whole, whole.length / 2));
        e = assertThrows(DataFormatException.class, () -> Sha256.ofContent(truncated));
        assertEquals(truncated + ": truncated gzip data (Unexpected end of ZLIB input stream)", e.getMessage());

        e = assertThrows(DataFormatException.class, () -> Sha256.ofContent(dir));
        assertEquals(dir + ": is a directory, not a data file", e.getMessage());
    }

    @Test
    void aSourceThatIsNotGzipFailsWithItsOrigin() {
        IOException e = assertThrows(
                IOException.class,
                () -> GzipContent.gunzip(new ByteArrayInputStream(new byte[] {1, 2, 3}), "https://example.org/a.gz"));
        assertEquals("https://example.org/a.gz is not gzip-compressed", e.getMessage());
    }
}
