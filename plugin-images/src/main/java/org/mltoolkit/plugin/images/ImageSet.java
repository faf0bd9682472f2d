package org.mltoolkit.plugin.images;

import java.util.List;
import org.mltoolkit.plugin.images.FolderScan.Part;

/**
 * The decoded images of a folder, each resized to one size and channel count and stored as bytes (a pixel's value
 * times 255, rounded), the form the cache keeps. Files that could not be decoded are listed with the reason.
 *
 * @param size     the size of every image
 * @param channels 1 or 3
 * @param entries  the decoded images, in the scan's order
 * @param pixels   {@code entries.size() x channels x height x width} bytes; shared, not copied
 * @param bad      the files that could not be decoded, in the scan's order
 */
record ImageSet(ImageSize size, int channels, List<Entry> entries, byte[] pixels, List<BadFile> bad) {
    ImageSet {
        entries = List.copyOf(entries);
        bad = List.copyOf(bad);
        if ((long) entries.size() * channels * size.pixels() != pixels.length) {
            throw new IllegalArgumentException(
                    pixels.length + " pixel bytes for " + entries.size() + " images of " + channels + "x" + size);
        }
    }

    /**
     * One decoded image.
     *
     * @param relative its path relative to the folder
     * @param label    its class
     * @param part     where it was found
     * @param original its size in the file
     * @param grey     true when the file holds grey pixels only
     */
    record Entry(String relative, int label, Part part, ImageSize original, boolean grey) {}

    /** A file that could not be decoded, with the reason in a few words. */
    record BadFile(String relative, String reason) {}

    /** Bytes per image. */
    int imageBytes() {
        return channels * size.height() * size.width();
    }
}
