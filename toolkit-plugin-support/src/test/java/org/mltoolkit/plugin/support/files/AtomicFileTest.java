package org.mltoolkit.plugin.support.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeCreatesTheDirectoryAndReplacesTheFile() throws IOException {
        Path target = dir.resolve("cache/images.cache");
        AtomicFile.write(target, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        AtomicFile.write(target, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertEquals("second", Files.readString(target));
        assertEquals(List.of("images.cache"), listing(target.getParent()));
    }

    @Test
    void aFailingWriteLeavesTheFileAndNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("images.cache"), "old");
        IOException io = new IOException("disk full");
        assertSame(
                io,
                assertThrows(
                        IOException.class,
                        () -> AtomicFile.write(target, out -> {
                            out.write(new byte[100_000]);
                            throw io;
                        })));
        IllegalStateException unchecked = new IllegalStateException("bug");
        assertSame(
                unchecked,
                assertThrows(
                        IllegalStateException.class,
                        () -> AtomicFile.write(target, out -> {
                            throw unchecked;
                        })));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("images.cache"), listing(dir));
    }

    @Test
    void aTemporaryFileIsAHiddenSiblingThatIsMovedOrDeleted() throws IOException {
        Path target = dir.resolve("train.csv");
        try (AtomicFile file = AtomicFile.beside(target)) {
            assertEquals(dir, file.temporary().getParent());
            assertTrue(file.temporary().getFileName().toString().matches("\\.train\\.csv\\.[0-9a-z]+\\.part"));
            Files.writeString(file.temporary(), "verified");
            file.commit();
            assertThrows(IllegalStateException.class, file::commit);
        }
        assertEquals("verified", Files.readString(target));
        try (AtomicFile file = AtomicFile.beside(target)) {
            Files.writeString(file.temporary(), "rejected");
        }
        assertEquals("verified", Files.readString(target));
        assertEquals(List.of("train.csv"), listing(dir));
    }

    @Test
    void aPlaceThatIsAFileIsAnIOException() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "not a directory");
        assertThrows(IOException.class, () -> AtomicFile.beside(blocker.resolve("x")));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void theFileGetsThePermissionsOfTheUsersOtherFiles() throws IOException {
        Path ordinary = Files.createFile(dir.resolve("ordinary"));
        Path target = dir.resolve("placed");
        AtomicFile.write(target, out -> out.write(1));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(ordinary);
        assertEquals(expected, Files.getPosixFilePermissions(target), "not the owner-only mode of a temp file");
    }
}
