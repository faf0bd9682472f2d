package org.mltoolkit.plugin.support.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of file content, as lower-case hex. Reads, writes nothing. */
public final class Sha256 {
    private Sha256() {}

    /**
     * The SHA-256 of the uncompressed content of {@code file}: of the file itself, or of its gzip content
     * when its name ends in {@code .gz}. Throws DataFormatException naming the file when it cannot be read
     * or its gzip data is corrupt.
     */
    public static String ofContent(Path file) {
        try (InputStream in = GzipContent.open(file)) {
            return of(in);
        } catch (IOException e) {
            throw GzipContent.readFailure(file, e);
        }
    }

    /** The SHA-256 of everything left in {@code in}; it reads the stream to its end but does not close it. */
    public static String of(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of {@code bytes}. */
    public static String of(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks SHA-256, which every Java platform must provide", e);
        }
    }
}
