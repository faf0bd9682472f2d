package org.mltoolkit.plugin.support.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mltoolkit.api.ProgressListener;

/** How the sources copy what they read into the file a fetch gave them: one progress task, bytes counted as read. */
final class ContentCopy {
    private ContentCopy() {}

    /**
     * Copies {@code raw} (closed afterwards) to {@code target}, replacing its content, gunzipping it on the way when
     * {@code gzipOrigin} is not null (it names the data in the message when that is not gzip). Reports the task
     * {@code task} of {@code total} bytes (-1 when unknown) to {@code progress}, counting the bytes read from
     * {@code raw}. Throws IOException when reading, decompressing or writing fails.
     */
    static void copy(
            String task, long total, InputStream raw, String gzipOrigin, Path target, ProgressListener progress)
            throws IOException {
        try (InputStream source = raw) {
            progress.start(task, total);
            try (InputStream counted = new ProgressInputStream(source, progress);
                    InputStream content = gzipOrigin != null
                            ? GzipContent.gunzip(counted, gzipOrigin)
                            : new BufferedInputStream(counted);
                    OutputStream out = Files.newOutputStream(
                            target,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE)) {
                content.transferTo(out);
            } finally {
                progress.finish();
            }
        }
    }
}
