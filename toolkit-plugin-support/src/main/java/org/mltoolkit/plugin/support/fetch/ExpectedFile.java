package org.mltoolkit.plugin.support.fetch;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file a dataset needs, as the dataset publishes it.
 *
 * @param name     the file's canonical name in the dataset's directory, for example {@code train-images-idx3-ubyte}:
 *                 a plain file name, without directories
 * @param sha256   the SHA-256 of the file's uncompressed content, 64 lower-case hexadecimal digits
 * @param maxBytes the most bytes the file's uncompressed content can hold (its exact size when the checksum fixes
 *                 it): a source stops copying, and fails, as soon as the content runs past it, so a small
 *                 compressed file that decompresses to far more than the dataset can hold never fills the disk
 */
public record ExpectedFile(String name, String sha256, long maxBytes) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * Throws IllegalArgumentException for a blank name, a name with a path separator or of {@code .} or {@code ..},
     * a checksum that is not 64 lower-case hexadecimal digits, or a negative {@code maxBytes}.
     */
    public ExpectedFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("'" + name + "' is not a plain file name");
        }
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException(
                    "the SHA-256 of " + name + " must be 64 lower-case hexadecimal digits, not '" + sha256 + "'");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the size bound of " + name + " must not be negative: " + maxBytes);
        }
    }
}
