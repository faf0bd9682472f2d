package org.mltoolkit.plugin.mnist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.plugin.support.fetch.GzipContent;

/**
 * Reads IDX files of unsigned bytes, the format MNIST and Fashion-MNIST ship in: a big-endian magic number
 * {@code 0x000008NN} (type 0x08 = unsigned byte, NN dimensions), one big-endian int per dimension, then the
 * data. Files whose name ends in {@code .gz} are decompressed on the fly.
 *
 * <p>Every method reads the whole file and closes it; none writes anything. Every problem (missing or
 * unreadable file, wrong magic number, truncated header or data, bytes after the declared data, a
 * {@code .gz} file that is not gzip or is corrupt) is thrown as a {@link DataFormatException} whose
 * one-line message names the file and the problem.
 */
final class IdxReader {
    /** Magic number of an IDX file of unsigned bytes with three dimensions (count, rows, columns). */
    static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with one dimension (count). */
    static final int LABELS_MAGIC = 0x00000801;

    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;
    private static final int IDX_UNSIGNED_BYTE = 0x08;
    /** Largest array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

    private IdxReader() {}

    /**
     * Images as stored: {@code count} images of {@code rows x columns} unsigned bytes, row-major, image after
     * image. The array is not copied; callers must not mutate it.
     */
    record Images(Path file, int count, int rows, int columns, byte[] pixels) {}

    /** Labels as stored, one unsigned byte each. The array is not copied; callers must not mutate it. */
    record Labels(Path file, byte[] values) {
        int count() {
            return values.length;
        }
    }

    /**
     * Reads an IDX image file (magic {@code 0x00000803}). Throws DataFormatException naming the file for any
     * problem listed in the class comment, and for a negative or absurdly large declared size.
     */
    static Images readImages(Path file) {
        try (InputStream in = openContent(file)) {
            byte[] header = in.readNBytes(IMAGES_HEADER_BYTES);
            checkHeader(file, header, IMAGES_HEADER_BYTES, IMAGES_MAGIC);
            int count = intAt(header, 4);
            int rows = intAt(header, 8);
            int columns = intAt(header, 12);
            if (count < 0 || rows < 0 || columns < 0) {
                throw new DataFormatException(
                        file,
                        "header declares negative dimensions "
                                + Integer.toUnsignedString(count) + " x " + Integer.toUnsignedString(rows) + " x "
                                + Integer.toUnsignedString(columns)
                                + " (values above 2^31 are not supported)");
            }
            long expectedBytes = (long) count * rows * columns;
            if (expectedBytes > MAX_ARRAY) {
                throw new DataFormatException(
                        file,
                        "header declares " + count + " images of " + rows + "x" + columns + " pixels (" + expectedBytes
                                + " bytes), more than one array can hold");
            }
            byte[] pixels =
                    readBody(file, in, (int) expectedBytes, count + " images of " + rows + "x" + columns + " pixels");
            return new Images(file, count, rows, columns, pixels);
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    /** Reads an IDX label file (magic {@code 0x00000801}). Throws DataFormatException as {@link #readImages} does. */
    static Labels readLabels(Path file) {
        try (InputStream in = openContent(file)) {
            byte[] header = in.readNBytes(LABELS_HEADER_BYTES);
            checkHeader(file, header, LABELS_HEADER_BYTES, LABELS_MAGIC);
            int count = intAt(header, 4);
            if (count < 0) {
                throw new DataFormatException(
                        file,
                        "header declares a negative label count " + Integer.toUnsignedString(count)
                                + " (values above 2^31 are not supported)");
            }
            byte[] values = readBody(file, in, count, count + " labels");
            return new Labels(file, values);
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    /**
     * Opens a file for reading its uncompressed content: as it is, or through gzip when its name ends in
     * {@code .gz}. The caller closes the stream. Throws DataFormatException when the file is missing, is a
     * directory, cannot be opened, or is named {@code .gz} but does not start with the gzip signature.
     * IOExceptions from reading the stream later should go through {@link #readFailure}.
     */
    static InputStream openContent(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "is a directory, not an IDX file");
        }
        return GzipContent.open(file);
    }

    /** Turns an IOException met while opening or reading {@code file} into one clear line. */
    static DataFormatException readFailure(Path file, IOException e) {
        return GzipContent.readFailure(file, e);
    }

    private static void checkHeader(Path file, byte[] header, int headerBytes, int expectedMagic) {
        String kind = expectedMagic == IMAGES_MAGIC ? "image" : "label";
        if (header.length >= 4) {
            int magic = intAt(header, 0);
            if (magic != expectedMagic) {
                throw new DataFormatException(file, magicProblem(magic, expectedMagic));
            }
        }
        if (header.length < headerBytes) {
            throw new DataFormatException(
                    file,
                    "truncated header: an IDX " + kind + " file starts with " + headerBytes
                            + " header bytes but this one has only " + header.length + " bytes");
        }
    }

    private static byte[] readBody(Path file, InputStream in, int expectedBytes, String declared) throws IOException {
        // readNBytes grows its buffer as data arrives, so a lying header cannot force a huge allocation.
        byte[] body = in.readNBytes(expectedBytes);
        if (body.length < expectedBytes) {
            throw new DataFormatException(
                    file,
                    "truncated data: the header declares " + declared + " (" + expectedBytes + " bytes) but only "
                            + body.length + " bytes follow it");
        }
        if (in.read() != -1) {
            throw new DataFormatException(
                    file,
                    "unexpected bytes after the " + declared + " the header declares (the file is longer than "
                            + expectedBytes + " data bytes)");
        }
        return body;
    }

    private static String magicProblem(int magic, int expectedMagic) {
        String problem = "wrong magic number " + hex(magic) + ", expected " + hex(expectedMagic) + " ("
                + describeMagic(expectedMagic) + ")";
        if ((magic >>> 16) != 0) {
            return problem + "; this is not an IDX file";
        }
        return problem + "; this file declares " + describeMagic(magic);
    }

    private static String describeMagic(int magic) {
        int type = (magic >>> 8) & 0xff;
        int dimensions = magic & 0xff;
        String typeName = type == IDX_UNSIGNED_BYTE
                ? "unsigned bytes"
                : "IDX data type " + String.format(Locale.ROOT, "0x%02x", type);
        String role = "";
        if (magic == IMAGES_MAGIC) {
            role = ", an image file";
        } else if (magic == LABELS_MAGIC) {
            role = ", a label file";
        }
        return typeName + " in " + dimensions + (dimensions == 1 ? " dimension" : " dimensions") + role;
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "0x%08x", value);
    }

    private static int intAt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 24)
                | ((bytes[offset + 1] & 0xff) << 16)
                | ((bytes[offset + 2] & 0xff) << 8)
                | (bytes[offset + 3] & 0xff);
    }
}
