package org.mltoolkit.plugin.support.fetch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.mltoolkit.api.ProgressListener;

/**
 * A made-up dataset of three small binary files for the fetch tests, written into a test's temporary directory as
 * plain files and as gzipped ones, and a progress listener that records what it is told.
 */
final class TestFiles {
    static final List<String> NAMES = List.of("alpha.bin", "beta.bin", "gamma.bin");
    /** The size bound the tests give every file: above the few hundred bytes each holds. */
    static final long MAX_BYTES = 4096;

    private TestFiles() {}

    /** The content of file {@code name}: a few hundred bytes that differ from file to file and cover 0 to 255. */
    static byte[] content(String name) {
        int seed = NAMES.indexOf(name) + 1;
        byte[] bytes = new byte[300 + 211 * seed];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + seed * 17 + i / 7);
        }
        return bytes;
    }

    /** The files with their real checksums. */
    static List<ExpectedFile> expected() {
        List<ExpectedFile> files = new ArrayList<>();
        for (String name : NAMES) {
            files.add(expected(name));
        }
        return files;
    }

    /** File {@code name} with its real checksum and the tests' size bound. */
    static ExpectedFile expected(String name) {
        return new ExpectedFile(name, Sha256.of(content(name)), MAX_BYTES);
    }

    /** The names and size bounds a package source is told to unpack. */
    static Map<String, Long> wanted() {
        return NAMES.stream().collect(Collectors.toMap(name -> name, name -> MAX_BYTES));
    }

    /** The expected files with {@code name}'s checksum replaced by {@code sha256}. */
    static List<ExpectedFile> expectedWith(String name, String sha256) {
        return expected().stream()
                .map(f -> f.name().equals(name) ? new ExpectedFile(name, sha256, MAX_BYTES) : f)
                .toList();
    }

    /** Writes the files, uncompressed, into {@code directory} (created) and returns it. */
    static Path plain(Path directory) {
        try {
            Files.createDirectories(directory);
            for (String name : NAMES) {
                Files.write(directory.resolve(name), content(name));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the files as {@code NAME.gz} into {@code directory} (created) and returns it. */
    static Path gzipped(Path directory) {
        try {
            Files.createDirectories(directory);
            for (String name : NAMES) {
                Files.write(directory.resolve(name + ".gz"), gzip(content(name)));
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A gzip bomb: {@code zeros} zero bytes gzipped, about a thousandth of that on disk, written in 1 MiB pieces so
     * the content is never held whole.
     */
    static byte[] gzippedZeros(long zeros) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] piece = new byte[1 << 20];
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (long left = zeros; left > 0; left -= piece.length) {
                gz.write(piece, 0, (int) Math.min(piece.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Copies {@code file} to {@code directory/name}, creating the directory. */
    static Path copy(Path file, Path directory, String name) {
        try {
            Files.createDirectories(directory);
            return Files.copy(file, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
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
