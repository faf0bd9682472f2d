package org.mltoolkit.plugin.images;

import java.util.Locale;
import org.mltoolkit.api.InvalidConfigurationException;

/**
 * The size of an image in pixels, written {@code HxW} (height first, like a tensor's {@code [C, H, W]}).
 *
 * @param height rows of pixels, at least 1
 * @param width  columns of pixels, at least 1
 */
record ImageSize(int height, int width) implements Comparable<ImageSize> {
    /** Larger sides are refused: a single example of that size would not be a sensible input. */
    static final int MAX_SIDE = 4096;

    ImageSize {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
    }

    /**
     * Parses {@code HxW} ({@code 28x28}, {@code 32X48}) or a single number for a square. Throws
     * InvalidConfigurationException naming {@code option} and the text when it is not such a size or a side is
     * outside [1, {@value #MAX_SIDE}].
     */
    static ImageSize parse(String option, String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            int height = Integer.parseInt(parts[0].trim());
            int width = parts.length == 1 ? height : Integer.parseInt(parts[1].trim());
            if (parts.length > 2 || height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
                throw new NumberFormatException();
            }
            return new ImageSize(height, width);
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(
                    option, text, "expected HEIGHTxWIDTH in pixels such as 28x28, each side 1 to " + MAX_SIDE);
        }
    }

    long pixels() {
        return (long) height * width;
    }

    /** Larger area first, then taller: the order that breaks ties between equally common sizes. */
    @Override
    public int compareTo(ImageSize other) {
        int byArea = Long.compare(other.pixels(), pixels());
        return byArea != 0 ? byArea : Integer.compare(other.height, height);
    }

    @Override
    public String toString() {
        return height + "x" + width;
    }
}
