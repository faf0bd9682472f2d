package org.mltoolkit.core.checkpoint;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mltoolkit.api.ToolkitException;

/**
 * Replaces files so that a crash at any moment leaves the old content or the new, never a mix: the content
 * goes to a temporary file in the same directory, is flushed and forced to disk, and is then renamed over the
 * target in one atomic step. On failure the temporary file is deleted and the target is untouched. When the process
 * is ended by a signal it can handle (SIGINT, SIGTERM, SIGHUP) during a write, a shutdown hook deletes the temporary
 * file; after a SIGKILL or a power cut it stays until {@link #removeLeftovers(Path)}.
 */
public final class AtomicFiles {
    private static final int BUFFER_BYTES = 1 << 16;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** Temporary files of the writes under way, deleted by the shutdown hook if the process ends meanwhile. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::deleteInFlight, "atomic-files-cleanup"));
    }

    /** Writes content to a stream; may throw IOException or any unchecked exception. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code content} writes, creating its directory if needed. Throws
     * ToolkitException naming the file if it cannot be written; rethrows unchecked exceptions of
     * {@code content} as they are. Either way, {@code target} keeps its previous content.
     */
    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = null;
        boolean moved = false;
        try {
            Files.createDirectories(directory);
            // createFile (unlike createTempFile) gives the file the usual permissions of the user's umask.
            temporary = directory.resolve(
                    "." + absolute.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            // Registered before it exists, so that no moment leaves a temporary file the hook does not know.
            IN_FLIGHT.add(temporary);
            Files.createFile(temporary);
            try (FileChannel channel = FileChannel.open(
                            temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ToolkitException(
                        "cannot replace " + target + " atomically: the file system does not "
                                + "support atomic renames in " + directory,
                        e);
            }
            moved = true;
            forceDirectory(directory);
        } catch (IOException e) {
            throw new ToolkitException("cannot write " + target + ": " + reason(e), e);
        } finally {
            if (temporary != null) {
                if (!moved) {
                    deleteQuietly(temporary);
                }
                IN_FLIGHT.remove(temporary);
            }
        }
    }

    /** The shutdown hook: deletes the temporary files of writes the ending process leaves unfinished. */
    private static void deleteInFlight() {
        IN_FLIGHT.forEach(AtomicFiles::deleteQuietly);
    }

    private static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // The temporary file is a hidden sibling; leaving it behind harms nothing.
        }
    }

    /**
     * Deletes the temporary files that writes of {@code target} left behind when their process was killed
     * (hidden siblings named {@code .<name>.<random>.tmp}). Call it only while no other process writes
     * {@code target}. Throws ToolkitException naming the directory if it cannot be listed.
     *
     * @return how many files were deleted
     */
    public static int removeLeftovers(Path target) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        String prefix = "." + absolute.getFileName() + ".";
        int removed = 0;
        try (java.util.stream.Stream<Path> siblings = Files.list(directory)) {
            for (Path p : siblings.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix)
                        && name.endsWith(".tmp")
                        && name.substring(prefix.length(), name.length() - 4).matches("[0-9a-z]+")) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new ToolkitException("cannot clean up temporary files in " + directory + ": " + e, e);
        }
        return removed;
    }

    /** Replaces {@code target} with {@code text} in UTF-8, as {@link #write(Path, Content)}. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** What went wrong, in words and with the path at fault rather than an exception's class name. */
    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return "a file is in the way: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Makes the rename itself durable where the platform allows opening a directory. */
    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UncheckedIOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory (Windows cannot open one); the rename is still atomic.
        }
    }
}
