package org.mltoolkit.plugin.mnist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mltoolkit.api.ProgressListener;

/** What the dataset tests share: fixture copies, fixture checksums and a recording progress listener. */
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

    /** Records every call, in order, as text. */
    static final class RecordingProgress implements ProgressListener {
        final List<String> events = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        long advanced;
        int open;

        @Override
        public void start(String task, long total) {
            events.add("start " + task + " " + total);
            open++;
        }

        @Override
        public void advance(long amount) {
            advanced += amount;
        }

        @Override
        public void finish() {
            events.add("finish");
            open--;
        }

        @Override
        public void message(String line) {
            events.add("message " + line);
            messages.add(line);
        }
    }
}
