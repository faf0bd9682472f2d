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
    private static final int BUFFER_BYTES = 1 << 16;

    private ContentCopy() {}

    /**
     * Copies {@code raw} (closed afterwards) to {@code target}, replacing its content, gunzipping it on the way when
     * {@code gzipped} ({@code origin} names the data in messages). At most {@code file.maxBytes()} bytes are
     * written: content that runs past them fails with IOException
     * "{@code <origin> decompresses to (holds) more than the N bytes NAME can hold}" as soon as the first byte beyond is read, and
     * {@code target} is left holding a prefix the caller deletes. Reports the task {@code task} of {@code total}
     * bytes (-1 when unknown) to {@code progress}, counting the bytes read from {@code raw}. Throws IOException
     * when reading, decompressing or writing fails.
     */
    static void copy(
            String task,
            long total,
            InputStream raw,
            String origin,
            boolean gzipped,
            ExpectedFile file,
            Path target,
            ProgressListener progress)
            throws IOException {
        try (InputStream source = raw) {
            progress.start(task, total);
            try (InputStream counted = new ProgressInputStream(source, progress);
                    InputStream content =
                            gzipped ? GzipContent.gunzip(counted, origin) : new BufferedInputStream(counted);
                    OutputStream out = Files.newOutputStream(
                            target,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE)) {
                copyBounded(content, out, gzipped, origin, file);
            } finally {
                progress.finish();
            }
        }
    }

    private static void copyBounded(
            InputStream content, OutputStream out, boolean gzipped, String origin, ExpectedFile file)
            throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long left = file.maxBytes();
        while (true) {
            int read = content.read(buffer, 0, (int) Math.min(buffer.length, left + 1));
            if (read < 0) {
                return;
            }
            if (read > left) {
                throw new IOException(tooLong(origin, gzipped, file));
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    /** The one-line reason for content of {@code origin} that holds more than {@code file} can. */
    static String tooLong(String origin, boolean gzipped, ExpectedFile file) {
        return origin + (gzipped ? " decompresses to" : " holds") + " more than the " + file.maxBytes() + " bytes "
                + file.name() + " can hold; refused before writing beyond them";
    }
}
