package org.mltoolkit.plugin.images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes small image files for tests with Java's own image writers, into folders the test chooses. */
final class ImageFolders {
    private ImageFolders() {}

    /** A grey image of one value everywhere but a brighter first row, so that resizing has something to do. */
    static Path grey(Path file, int height, int width, int value) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, y == 0 ? Math.min(255, value + 40) : value);
            }
        }
        return write(image, file);
    }

    /** A colour image of one RGB colour everywhere. */
    static Path colour(Path file, int height, int width, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return write(image, file);
    }

    /** Writes {@code image} in the format its file name's extension names, creating the folders. */
    static Path write(BufferedImage image, Path file) {
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1);
        if (format.equals("jpg")) {
            format = "jpeg";
        }
        try {
            Files.createDirectories(file.getParent());
            BufferedImage toWrite = image;
            if (format.equals("jpeg") || format.equals("bmp")) {
                // Neither writer takes an alpha channel, and BMP none of TYPE_INT_RGB's siblings but 3-byte BGR.
                if (image.getType() == BufferedImage.TYPE_INT_RGB) {
                    toWrite = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
                    toWrite.getGraphics().drawImage(image, 0, 0, null);
                }
            }
            if (!ImageIO.write(toWrite, format, file.toFile())) {
                throw new IllegalStateException("no writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text file, for a file beside the images that is not one. */
    static Path text(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
