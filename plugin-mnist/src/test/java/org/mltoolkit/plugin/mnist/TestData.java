package org.mltoolkit.plugin.mnist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mltoolkit.plugin.support.fetch.Sha256;

/** What the dataset tests share: fixture copies and fixture checksums. */
final class TestData {
    private TestData() {}

    /** SHA-256 of the uncompressed valid fixtures, by canonical name. */
    static Map<String, String> fixtureChecksums() {
        Map<String, String> checksums = new HashMap<>();
        for (String name : IdxFixtures.FILE_NAMES) {
            checksums.put(name, Sha256.ofContent(IdxFixtures.path("valid/" + name)));
        }
        return checksums;
    }

    /** Copies the fixture {@code fixture} to {@code directory/name}, creating the directory. */
    static Path copy(String fixture, Path directory, String name) {
        try {
            Files.createDirectories(directory);
            return Files.copy(IdxFixtures.path(fixture), directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the four valid fixtures, or their gzipped forms, into {@code directory}. */
    static void copyAll(Path directory, boolean gzipped) {
        for (String name : IdxFixtures.FILE_NAMES) {
            if (gzipped) {
                copy("gzipped/" + name + ".gz", directory, name + ".gz");
            } else {
                copy("valid/" + name, directory, name);
            }
        }
    }

    /** The names of the entries of {@code directory}, sorted. */
    static List<String> listing(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
