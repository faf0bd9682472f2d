package org.mltoolkit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;

/**
 * The directory a page is written to. Every file is replaced atomically and the page itself last, so that a
 * browser (or a crash) sees the previous report or the new one, never a page whose pictures are missing. A
 * directory is only written when it is new, empty or holds an earlier report (recognised by the generator tag of
 * its {@code index.html}), so a report never replaces files it did not write.
 */
final class ReportOutput {
    static final String INDEX = "index.html";
    static final String GENERATOR_TAG = "<meta name=\"generator\" content=\"mltoolkit-report\">";
    static final String IMAGES = "images";

    private final Path directory;

    private ReportOutput(Path directory) {
        this.directory = directory;
    }

    /**
     * Checks that {@code directory} may receive a report and creates it. Throws ToolkitException naming the
     * directory when it is a file, cannot be created or written, or holds files that are not a report.
     */
    static ReportOutput prepare(Path directory) {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new ToolkitException(directory + ": cannot write the report there: it is a file, not a directory");
        }
        if (Files.isDirectory(directory) && !isEmpty(directory) && !holdsReport(directory)) {
            throw new ToolkitException(directory + ": holds files that are not a toolkit report; name a new or empty"
                    + " directory for the report");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ToolkitException(directory + ": cannot create the report directory: " + e, e);
        }
        if (!Files.isWritable(directory)) {
            throw new ToolkitException(directory + ": cannot write the report there: the directory is not writable");
        }
        return new ReportOutput(directory);
    }

    Path directory() {
        return directory;
    }

    /** Replaces {@code relative} (a path inside the directory) with {@code bytes}. */
    void write(String relative, byte[] bytes) {
        AtomicFiles.write(directory.resolve(relative), out -> out.write(bytes));
    }

    /** Replaces the page; call it after every file the page refers to is written. */
    void writeIndex(String html) {
        write(INDEX, html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes the pictures of earlier reports that the page no longer shows ({@code keep} holds the names of those
     * it shows). Only PNG files in the pictures folder are touched. Throws ToolkitException naming the file that
     * cannot be deleted.
     */
    void removeOtherImages(Set<String> keep) {
        Path images = directory.resolve(IMAGES);
        if (!Files.isDirectory(images)) {
            return;
        }
        try (Stream<Path> files = Files.list(images)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".png") && !keep.contains(name)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new ToolkitException("cannot remove old pictures in " + images + ": " + e, e);
        }
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new ToolkitException(directory + ": cannot list the directory: " + e, e);
        }
    }

    private static boolean holdsReport(Path directory) {
        Path index = directory.resolve(INDEX);
        try {
            return Files.isRegularFile(index) && Files.readString(index).contains(GENERATOR_TAG);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
