package org.mltoolkit.plugin.support.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.mltoolkit.api.ProgressListener;

/**
 * A directory holding the files under their canonical names, uncompressed or gzipped ({@code NAME} or
 * {@code NAME.gz}; the uncompressed one wins when both exist). It only reads the directory.
 */
public final class DirectorySource implements FileSource {
    private final Path directory;
    private final String description;

    /**
     * @param directory   where the files are
     * @param description how messages name it, for example {@code "directory you named /tmp/mnist"}
     */
    public DirectorySource(Path directory, String description) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** A source described as {@code directory <path>}. */
    public DirectorySource(Path directory) {
        this(directory, "directory " + directory);
    }

    /** The directory the files are taken from. */
    public Path directory() {
        return directory;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Session open(ProgressListener progress) {
        return new Session() {
            @Override
            public Delivery copyTo(ExpectedFile file, Path target) throws IOException {
                return copy(file, target, progress);
            }

            @Override
            public void close() {
                // Nothing held.
            }
        };
    }

    /**
     * Copies {@code NAME} (or the content of {@code NAME.gz}) of {@code file} from the directory to {@code target},
     * reporting the bytes read from the directory. Throws IOException when the directory or both files are
     * missing, the file is unreadable, a {@code .gz} file is not gzip or is corrupt, or the content runs past
     * {@code file.maxBytes()} (a plain file is refused by its size before it is read; a gzipped one as soon as its
     * content passes the bound, having written no more than the bound to {@code target}). Other sources that find
     * their files in a directory (an unpacked package) delegate to it.
     */
    public Delivery copy(ExpectedFile file, Path target, ProgressListener progress) throws IOException {
        String fileName = file.name();
        if (!Files.isDirectory(directory)) {
            throw new IOException("no such directory " + directory);
        }
        Path plain = directory.resolve(fileName);
        Path gzipped = directory.resolve(fileName + ".gz");
        if (Files.isRegularFile(plain)) {
            copyContent(plain, false, file, target, progress);
            return new Delivery(plain.toString(), plain);
        }
        if (Files.isRegularFile(gzipped)) {
            copyContent(gzipped, true, file, target, progress);
            return new Delivery(gzipped.toString(), gzipped);
        }
        throw new IOException("neither " + fileName + " nor " + fileName + ".gz is in " + directory);
    }

    private static void copyContent(
            Path source, boolean gzipped, ExpectedFile file, Path target, ProgressListener progress)
            throws IOException {
        long size = Files.size(source);
        if (!gzipped && size > file.maxBytes()) {
            throw new IOException(ContentCopy.tooLong(source.toString(), false, file));
        }
        ContentCopy.copy(
                "copy " + source.getFileName(),
                size,
                Files.newInputStream(source),
                source.toString(),
                gzipped,
                file,
                target,
                progress);
    }
}
