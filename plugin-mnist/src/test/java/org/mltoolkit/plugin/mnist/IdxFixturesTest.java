package org.mltoolkit.plugin.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed fixtures are exactly what {@link IdxFixtures} makes, so the generator stays their source. */
class IdxFixturesTest {

    @Test
    void committedFixturesMatchTheGenerator(@TempDir Path regenerated) throws IOException {
        IdxFixtures.main(new String[] {regenerated.toString()});
        for (Map.Entry<String, byte[]> fixture : IdxFixtures.all().entrySet()) {
            String name = fixture.getKey();
            byte[] committed = Files.readAllBytes(IdxFixtures.path(name));
            byte[] written = Files.readAllBytes(regenerated.resolve(name));
            assertArrayEquals(fixture.getValue(), written, name + " as main wrote it");
            if (name.equals("broken/truncated.gz")) {
                // Deflate output may differ between zlib builds; what matters is that the stream ends early.
                assertThrows(EOFException.class, () -> gunzip(committed), name);
            } else if (name.startsWith("gzipped/")) {
                // Compare content, not compressed bytes, for the same reason.
                assertArrayEquals(gunzip(written), gunzip(committed), name);
            } else {
                assertArrayEquals(written, committed, name + " differs from IdxFixtures; rerun IdxFixtures.main");
            }
        }
    }

    @Test
    void gzippedFixturesHoldTheValidFiles() throws IOException {
        for (String name : IdxFixtures.FILE_NAMES) {
            assertArrayEquals(
                    Files.readAllBytes(IdxFixtures.path("valid/" + name)),
                    gunzip(Files.readAllBytes(IdxFixtures.path("gzipped/" + name + ".gz"))),
                    name);
        }
        assertEquals(16 + 3 * 28 * 28, Files.size(IdxFixtures.path("valid/" + IdxFixtures.TRAIN_IMAGES)));
    }

    private static byte[] gunzip(byte[] compressed) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }
}
