package org.mltoolkit.plugin.support.fetch;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.mltoolkit.api.DataFormatException;

/**
 * The uncompressed content of data files that may be gzipped: a file whose name ends in {@code .gz} is decompressed
 * on the fly, after its gzip signature is checked so that a mislabelled file fails with a message saying so.
 * Reads, writes nothing.
 */
public final class GzipContent {
    private static final int BUFFER_BYTES = 1 << 16;

    private GzipContent() {}

    /** True when the file name ends in {@code .gz} (in any case), which is how compressed files are recognised. */
    public static boolean isGzipName(Path file) {
        Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /**
     * Opens {@code file} for reading its uncompressed content: as it is, or through gzip when its name ends in
     * {@code .gz}. The caller closes the stream. Throws DataFormatException naming the file when it is missing, is a
     * directory, cannot be opened, or is named {@code .gz} but does not start with the gzip signature. IOExceptions
     * from reading the stream later should go through {@link #readFailure}.
     */
    public static InputStream open(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "is a directory, not a data file");
        }
        BufferedInputStream raw = null;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
            if (!isGzipName(file)) {
                return raw;
            }
            int[] start = peekTwo(raw);
            if (!isGzipSignature(start)) {
                throw new DataFormatException(
                        file,
                        "is named .gz but is not gzip-compressed (it starts with " + describeStart(start)
                                + ", not 0x1f 0x8b)");
            }
            return new GZIPInputStream(raw, BUFFER_BYTES);
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw, e);
            if (e instanceof IOException io) {
                throw readFailure(file, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Wraps {@code compressed} in a gzip decoder after checking the gzip signature. {@code origin} names the data in
     * messages. Throws IOException "{@code <origin> is not gzip-compressed}" when the signature is wrong, which a
     * source reports as its failure.
     */
    public static InputStream gunzip(InputStream compressed, String origin) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(compressed, BUFFER_BYTES);
        if (!isGzipSignature(peekTwo(buffered))) {
            throw new IOException(origin + " is not gzip-compressed");
        }
        return new GZIPInputStream(buffered, BUFFER_BYTES);
    }

    /** Turns an IOException met while opening or reading {@code file} into one clear line naming the file. */
    public static DataFormatException readFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataFormatException(file, "cannot read: no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return new DataFormatException(file, "cannot read: permission denied", e);
        }
        if (e instanceof EOFException && isGzipName(file)) {
            return new DataFormatException(file, "truncated gzip data (" + e.getMessage() + ")", e);
        }
        if (e instanceof ZipException) {
            return new DataFormatException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
        return new DataFormatException(file, "cannot read: " + SourceFailures.reason(e), e);
    }

    /** The first two bytes (-1 past the end), leaving the stream where it was. */
    private static int[] peekTwo(BufferedInputStream in) throws IOException {
        in.mark(2);
        int[] start = {in.read(), in.read()};
        in.reset();
        return start;
    }

    private static boolean isGzipSignature(int[] start) {
        return start[0] == 0x1f && start[1] == 0x8b;
    }

    private static String describeStart(int[] start) {
        if (start[0] < 0) {
            return "nothing: it is empty";
        }
        if (start[1] < 0) {
            return String.format(Locale.ROOT, "the single byte 0x%02x", start[0]);
        }
        return String.format(Locale.ROOT, "0x%02x 0x%02x", start[0], start[1]);
    }

    private static void closeQuietly(InputStream in, Exception failure) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException closeFailure) {
            failure.addSuppressed(closeFailure);
        }
    }
}
