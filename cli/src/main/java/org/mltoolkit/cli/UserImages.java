package org.mltoolkit.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ToolkitException;

/**
 * Turns a person's own picture (PNG, JPEG, GIF or BMP, any size) into one example of a model's shape, the way the
 * MNIST digits were made: grey, ink bright on a dark background, the ink's bounding box scaled to fit a 20x20 box
 * keeping its aspect ratio (with area averaging, so edges stay anti-aliased; then stretched so that the strongest
 * pixel is full ink), then placed in the 28x28 picture so that its centre of mass is the picture's centre. For a grey model of another size the box keeps the same
 * proportion (20/28 of each side). A colour (3-channel) model gets the whole picture resized to its shape, in its
 * colours. Pixels come out in [0, 1], like the datasets'.
 *
 * <p>A drawing is usually dark on light: by default a picture whose border is mostly light is inverted, and the
 * result says so; {@code invert} forces the choice.
 */
final class UserImages {
    /** The side of MNIST's box for the ink and of its picture. */
    private static final double BOX_FRACTION = 20.0 / 28.0;
    /** Ink, after the background is taken away, at least this bright counts for the bounding box. */
    private static final float INK_THRESHOLD = 0.2f;
    /** A picture whose ink is within this of its background holds no drawing. */
    private static final float MIN_CONTRAST = 0.1f;

    private UserImages() {}

    /**
     * One converted picture.
     *
     * @param file     the picture read
     * @param pixels   the example, channel planes one after the other, values in [0, 1]
     * @param inverted whether its greys were inverted (dark ink on a light background)
     * @param detected whether that choice came from the border's brightness rather than from the caller
     */
    record Converted(Path file, float[] pixels, boolean inverted, boolean detected) {}

    /**
     * Reads {@code file} and converts it to one example of {@code shape}; {@code invert} forces inverting the greys
     * (true) or keeping them (false), null detects a light background. Throws ToolkitException naming the file when
     * it is missing, unreadable, not an image, or blank; and naming the shape when it has neither 1 nor 3 channels.
     * Reads the file only.
     */
    static Converted convert(Path file, ExampleShape shape, Boolean invert) {
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new ToolkitException("the model takes examples of shape " + shape
                    + "; pictures convert to 1 (grey) or 3 (RGB) channels only");
        }
        BufferedImage image = read(file);
        int width = image.getWidth();
        int height = image.getHeight();
        if (shape.channels() == 3) {
            float[] pixels = new float[shape.size()];
            int plane = shape.height() * shape.width();
            for (int c = 0; c < 3; c++) {
                float[] channel = channel(image, 16 - 8 * c);
                float[] resized = resize(channel, width, height, shape.width(), shape.height());
                System.arraycopy(resized, 0, pixels, c * plane, plane);
            }
            return new Converted(file, pixels, false, false);
        }
        float[] grey = grey(image);
        float border = borderMedian(grey, width, height);
        boolean inverted = invert != null ? invert : border > 0.5f;
        if (inverted) {
            for (int i = 0; i < grey.length; i++) {
                grey[i] = 1 - grey[i];
            }
        }
        float background = inverted ? 1 - border : border;
        float max = 0;
        for (float v : grey) {
            max = Math.max(max, v);
        }
        if (max - background < MIN_CONTRAST) {
            throw new ToolkitException(file + ": no drawing found: nothing stands out from the background when read as "
                    + (inverted
                            ? "dark ink on light paper (--no-invert reads it as light on dark)"
                            : "light ink on a dark background (--invert reads it as dark on light)"));
        }
        for (int i = 0; i < grey.length; i++) {
            grey[i] = Math.max(0, Math.min(1, (grey[i] - background) / (max - background)));
        }
        return new Converted(file, centred(grey, width, height, shape), inverted, invert == null);
    }

    private static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ToolkitException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new ToolkitException(file + ": cannot decode the picture: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new ToolkitException(file + ": not a picture (PNG, JPEG, GIF or BMP)");
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new ToolkitException(file + ": the picture is empty");
        }
        return image;
    }

    /** The luma of every pixel in [0, 1], row by row, transparent parts over white (paper). */
    private static float[] grey(BufferedImage image) {
        float[] red = channel(image, 16);
        float[] green = channel(image, 8);
        float[] blue = channel(image, 0);
        float[] grey = new float[red.length];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = 0.299f * red[i] + 0.587f * green[i] + 0.114f * blue[i];
        }
        return grey;
    }

    /** One colour channel of every pixel in [0, 1] (the bits at {@code shift} of ARGB), over white where transparent. */
    private static float[] channel(BufferedImage image, int shift) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        float[] values = new float[argb.length];
        for (int i = 0; i < argb.length; i++) {
            float alpha = (argb[i] >>> 24) / 255f;
            float value = ((argb[i] >> shift) & 0xff) / 255f;
            values[i] = alpha * value + (1 - alpha);
        }
        return values;
    }

    /** The median of the outermost pixels: the background's shade, even where a stroke touches the edge. */
    private static float borderMedian(float[] grey, int width, int height) {
        float[] border = new float[2 * width + 2 * Math.max(0, height - 2)];
        int n = 0;
        for (int x = 0; x < width; x++) {
            border[n++] = grey[x];
            if (height > 1) {
                border[n++] = grey[(height - 1) * width + x];
            }
        }
        for (int y = 1; y < height - 1; y++) {
            border[n++] = grey[y * width];
            if (width > 1) {
                border[n++] = grey[y * width + width - 1];
            }
        }
        float[] values = Arrays.copyOf(border, n);
        Arrays.sort(values);
        return values[n / 2];
    }

    /** The ink's bounding box scaled into MNIST's box and placed by its centre of mass in a picture of the shape. */
    private static float[] centred(float[] ink, int width, int height, ExampleShape shape) {
        int left = width;
        int top = height;
        int right = -1;
        int bottom = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (ink[y * width + x] >= INK_THRESHOLD) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        int boxWidth = right - left + 1;
        int boxHeight = bottom - top + 1;
        float[] crop = new float[boxWidth * boxHeight];
        for (int y = 0; y < boxHeight; y++) {
            System.arraycopy(ink, (top + y) * width + left, crop, y * boxWidth, boxWidth);
        }
        double scale = Math.min(
                Math.max(1, Math.round(shape.width() * BOX_FRACTION)) / (double) boxWidth,
                Math.max(1, Math.round(shape.height() * BOX_FRACTION)) / (double) boxHeight);
        int scaledWidth = Math.max(1, (int) Math.round(boxWidth * scale));
        int scaledHeight = Math.max(1, (int) Math.round(boxHeight * scale));
        float[] scaled = resize(crop, boxWidth, boxHeight, scaledWidth, scaledHeight);
        // A thin stroke shrunk from a large picture turns grey; MNIST's strokes have a full-ink core.
        float peak = 0;
        for (float v : scaled) {
            peak = Math.max(peak, v);
        }
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] /= peak;
        }

        double mass = 0;
        double massX = 0;
        double massY = 0;
        for (int y = 0; y < scaledHeight; y++) {
            for (int x = 0; x < scaledWidth; x++) {
                float v = scaled[y * scaledWidth + x];
                mass += v;
                massX += v * (x + 0.5);
                massY += v * (y + 0.5);
            }
        }
        int offsetX = (int) Math.round(shape.width() / 2.0 - massX / mass);
        int offsetY = (int) Math.round(shape.height() / 2.0 - massY / mass);
        float[] picture = new float[shape.size()];
        for (int y = 0; y < scaledHeight; y++) {
            int ty = y + offsetY;
            if (ty < 0 || ty >= shape.height()) {
                continue;
            }
            for (int x = 0; x < scaledWidth; x++) {
                int tx = x + offsetX;
                if (tx >= 0 && tx < shape.width()) {
                    picture[ty * shape.width() + tx] = scaled[y * scaledWidth + x];
                }
            }
        }
        return picture;
    }

    /**
     * Resizes a picture by area averaging: each new pixel is the mean of the old pixels it covers, weighted by how
     * much of each it covers (rows first, then columns). Enlarging repeats pixels and blends at their edges.
     */
    static float[] resize(float[] pixels, int width, int height, int newWidth, int newHeight) {
        float[] rows = new float[newWidth * height];
        for (int y = 0; y < height; y++) {
            resample(pixels, y * width, 1, width, rows, y * newWidth, 1, newWidth);
        }
        float[] result = new float[newWidth * newHeight];
        for (int x = 0; x < newWidth; x++) {
            resample(rows, x, newWidth, height, result, x, newWidth, newHeight);
        }
        return result;
    }

    /** Resamples {@code n} values read every {@code step} from {@code start} into {@code m} written likewise. */
    private static void resample(
            float[] source, int start, int step, int n, float[] target, int targetStart, int targetStep, int m) {
        double ratio = (double) n / m;
        for (int i = 0; i < m; i++) {
            double from = i * ratio;
            double to = (i + 1) * ratio;
            double sum = 0;
            double weight = 0;
            for (int j = (int) Math.floor(from); j < Math.min(n, (int) Math.ceil(to)); j++) {
                double w = Math.min(to, j + 1) - Math.max(from, j);
                sum += w * source[start + j * step];
                weight += w;
            }
            target[targetStart + i * targetStep] = (float) (sum / weight);
        }
    }
}
