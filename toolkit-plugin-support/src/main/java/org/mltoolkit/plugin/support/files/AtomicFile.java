package org.mltoolkit.plugin.support.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A file written beside its target and then renamed over it: the target holds its old content or the whole new
 * one, never a part. The temporary file is a hidden sibling, {@code .<target name>.<random>.part}, created with the
 * permissions the user's files get; it is forced to disk before the rename, and deleted when it is not committed.
 *
 * <p>The toolkit's core places the files the host writes (checkpoints, exported models, pictures) with its own
 * atomic replacement; plugins cannot see the core, so this is the plugin side's one implementation. Unlike the
 * core's, it falls back to a plain move where the file system cannot rename atomically: what it places is a cache
 * or a file already verified in full, which a reader checks again.
 *
 * <pre>{@code
 * try (AtomicFile file = AtomicFile.beside(target)) {
 *     source.copyTo(file.temporary());   // anything that writes the temporary file
 *     check(file.temporary());
 *     file.commit();                     // or leave without committing: close() deletes it
 * }
 * }</pre>
 *
 * Not thread-safe; two writers of one target at once are not coordinated (the last rename wins).
 */
public final class AtomicFile implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BUFFER_BYTES = 1 << 16;

    /** Writes content to a stream; may throw IOException or any unchecked exception. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path target;
    private final Path temporary;
    private boolean committed;

    private AtomicFile(Path target, Path temporary) {
        this.target = target;
        this.temporary = temporary;
    }

    /**
     * Creates an empty temporary file beside {@code target}, creating the target's directory if needed. Throws
     * IOException when the directory or the file cannot be created.
     */
    public static AtomicFile beside(Path target) throws IOException {
        Path absolute = Objects.requireNonNull(target, "target").toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        IOException clash = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            String unique = Long.toUnsignedString(RANDOM.nextLong(), Character.MAX_RADIX);
            Path candidate = directory.resolve("." + absolute.getFileName() + "." + unique + ".part");
            try {
                // createFile, unlike createTempFile, keeps the permissions of the user's other files.
                return new AtomicFile(absolute, Files.createFile(candidate));
            } catch (FileAlreadyExistsException e) {
                clash = e;
            }
        }
        throw clash;
    }

    /**
     * Replaces {@code target} with what {@code content} writes, creating its directory if needed. Throws IOException
     * when the file cannot be written or moved, and rethrows what {@code content} throws; either way the target is
     * unchanged and no temporary file is left.
     */
    public static void write(Path target, Content content) throws IOException {
        try (AtomicFile file = beside(target)) {
            try (FileChannel channel = FileChannel.open(file.temporary, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES)) {
                content.writeTo(out);
            }
            file.commit();
        }
    }

    /** The temporary file, for whatever writes the content. */
    public Path temporary() {
        return temporary;
    }

    /** The file this one replaces when committed. */
    public Path target() {
        return target;
    }

    /**
     * Forces the temporary file to disk and renames it over the target, atomically where the file system allows.
     * Throws IOException when it cannot be moved; the temporary file is then still there for {@link #close()}.
     */
    public void commit() throws IOException {
        if (committed) {
            throw new IllegalStateException(temporary + " was already moved to " + target);
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /**
     * Deletes the temporary file unless it was committed. Throws IOException when it cannot be deleted; it is a
     * hidden sibling of the target, which stays unchanged.
     */
    @Override
    public void close() throws IOException {
        if (!committed) {
            Files.deleteIfExists(temporary);
        }
    }
}
