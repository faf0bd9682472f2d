package org.mltoolkit.plugin.support.fetch;

import java.io.IOException;
import java.nio.file.Path;
import org.mltoolkit.api.ProgressListener;

/**
 * A place the uncompressed content of a dataset's files can be copied from: a directory, a mirror, a
 * package. {@link DatasetFetcher#fetch} tries its sources in order, one {@link Session} each per fetch. Implement
 * it for a source of your own; {@link DirectorySource}, {@link HttpsMirrorSource} and {@link NpmPackageSource} are
 * the ones this library provides.
 */
public interface FileSource {

    /** Names the source in messages, for example {@code directory /usr/share/datasets/fashion-mnist}. */
    String description();

    /**
     * Starts using this source for one fetch. Opening does no work: a session does its work, and keeps
     * what it learns (an unreachable host, an unpacked package), when files are asked of it.
     */
    Session open(ProgressListener progress);

    /** One fetch's use of a source. Not thread-safe: one fetch uses it from one thread. */
    interface Session extends AutoCloseable {

        /**
         * Writes the uncompressed content of {@code file} (found by its canonical name) to {@code target},
         * replacing what is there, and says where it came from. {@code target} is a temporary file the caller
         * owns and deletes on failure. Throws IOException with a one-line message when this source cannot deliver
         * the file, including content longer than {@code file.maxBytes()}, which must be refused before more than
         * that is written; nothing but {@code target} is written.
         */
        Delivery copyTo(ExpectedFile file, Path target) throws IOException;

        /** Releases what the session holds (temporary directories). Throws nothing the caller must handle. */
        @Override
        void close();
    }

    /**
     * Where a file came from.
     *
     * @param origin    a user-readable origin: a path, a URL, a package and its entry
     * @param localFile the file on this machine that was read, when there is one the user can act on
     *                  (a file in a directory the user named); otherwise {@code null}
     */
    record Delivery(String origin, Path localFile) {}
}
