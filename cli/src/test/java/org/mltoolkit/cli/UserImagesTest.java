package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ToolkitException;

/** Pictures drawn here with Java2D, converted the way MNIST's digits were made. */
class UserImagesTest {
    private static final ExampleShape MNIST = new ExampleShape(1, 28, 28);

    @TempDir
    Path temp;

    /**
     * Draws a "7" (a bar and a slanted stroke) off-centre on a {@code width} x {@code height} canvas, in
     * {@code ink} on {@code paper}, and saves it as {@code format} ("png" or "jpg").
     */
    static Path drawSeven(Path file, int width, int height, Color paper, Color ink, String format) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(paper);
            g.fillRect(0, 0, width, height);
            g.setColor(ink);
            g.setStroke(new BasicStroke(width / 12f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.drawLine(width / 10, height / 8, width / 2, height / 8);
            g.drawLine(width / 2, height / 8, width / 4, height / 2);
        } finally {
            g.dispose();
        }
        assertTrue(ImageIO.write(image, format, file.toFile()));
        return file;
    }

    /** The inked rows and columns ({@code >= 0.2}) as {top, bottom, left, right}, and the centre of mass. */
    private static double[] geometry(float[] pixels, int width, int height) {
        int top = height;
        int bottom = -1;
        int left = width;
        int right = -1;
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = pixels[y * width + x];
                assertTrue(v >= 0 && v <= 1, "pixel " + v);
                mass += v;
                mx += v * (x + 0.5);
                my += v * (y + 0.5);
                if (v >= 0.2f) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        return new double[] {top, bottom, left, right, mx / mass, my / mass};
    }

    @Test
    void aDarkOnLightPhotoIsInvertedScaledIntoTwentyPixelsAndCentredByMass() throws IOException {
        Path file = drawSeven(temp.resolve("seven.jpg"), 300, 400, Color.WHITE, Color.DARK_GRAY, "jpg");
        UserImages.Converted seven = UserImages.convert(file, MNIST, null);
        assertTrue(seven.inverted() && seven.detected());
        assertEquals(784, seven.pixels().length);
        double[] g = geometry(seven.pixels(), 28, 28);
        double height = g[1] - g[0] + 1;
        double width = g[3] - g[2] + 1;
        assertTrue(height >= 19 && height <= 20, "the taller side fills the 20-pixel box: " + height);
        assertTrue(width < height, "the aspect ratio is kept: " + width + " x " + height);
        assertEquals(14, g[4], 0.6, "centre of mass x");
        assertEquals(14, g[5], 0.6, "centre of mass y");
        float max = 0;
        for (float v : seven.pixels()) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max, 1e-6f, "the stroke is full ink after the background is taken away");
        assertEquals(0f, seven.pixels()[0], 1e-6f, "the background is black");
    }

    @Test
    void lightOnDarkIsKeptAndTheChoiceCanBeForced() throws IOException {
        Path file = drawSeven(temp.resolve("seven.png"), 60, 90, Color.BLACK, Color.WHITE, "png");
        UserImages.Converted kept = UserImages.convert(file, MNIST, null);
        assertFalse(kept.inverted());
        UserImages.Converted forced = UserImages.convert(file, MNIST, false);
        assertArrayEquals(kept.pixels(), forced.pixels());
        assertFalse(forced.detected());

        // Inverted, it is a black stroke on white paper: nothing is brighter than that background.
        ToolkitException inverted = assertThrows(ToolkitException.class, () -> UserImages.convert(file, MNIST, true));
        assertEquals(
                file + ": no drawing found: nothing stands out from the background when read as dark ink on light"
                        + " paper (--no-invert reads it as light on dark)",
                inverted.getMessage());
    }

    @Test
    void otherModelShapesGetTheSameRecipeInProportionOrTheResizedColours() throws IOException {
        Path file = drawSeven(temp.resolve("seven.png"), 120, 160, Color.WHITE, Color.BLACK, "png");
        float[] small =
                UserImages.convert(file, new ExampleShape(1, 14, 14), null).pixels();
        assertEquals(196, small.length);
        double[] g = geometry(small, 14, 14);
        assertTrue(g[1] - g[0] + 1 <= 10, "a 14x14 model's box is 10 pixels");
        assertEquals(7, g[5], 0.6);

        float[] colour =
                UserImages.convert(file, new ExampleShape(3, 8, 6), null).pixels();
        assertEquals(3 * 8 * 6, colour.length);
        assertEquals(1f, colour[47], 1e-6f, "colours are kept: the white corner stays white in every channel");
        assertEquals(1f, colour[48 + 47], 1e-6f);
        assertEquals(1f, colour[96 + 47], 1e-6f);
        assertTrue(colour[0] < 0.95f, "the stroke's end darkens the first pixel: " + colour[0]);

        ToolkitException twoChannels =
                assertThrows(ToolkitException.class, () -> UserImages.convert(file, new ExampleShape(2, 28, 28), null));
        assertTrue(twoChannels.getMessage().contains("shape 2x28x28"), twoChannels.getMessage());
    }

    @Test
    void badFilesAreRefusedNamingTheFile() throws IOException {
        Path missing = temp.resolve("missing.png");
        assertEquals(
                missing + ": no such file",
                assertThrows(ToolkitException.class, () -> UserImages.convert(missing, MNIST, null))
                        .getMessage());
        Path text = Files.writeString(temp.resolve("digit.png"), "not a picture");
        assertEquals(
                text + ": not a picture (PNG, JPEG, GIF or BMP)",
                assertThrows(ToolkitException.class, () -> UserImages.convert(text, MNIST, null))
                        .getMessage());
        BufferedImage white = new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB);
        white.getGraphics().fillRect(0, 0, 30, 30);
        Path blank = temp.resolve("blank.png");
        ImageIO.write(white, "png", blank.toFile());
        assertTrue(assertThrows(ToolkitException.class, () -> UserImages.convert(blank, MNIST, null))
                .getMessage()
                .startsWith(blank + ": no drawing found"));
    }

    @Test
    void resizingAveragesTheAreaEachNewPixelCovers() {
        float[] four = {
            0, 1, 2, 3,
            4, 5, 6, 7,
            8, 9, 10, 11,
            12, 13, 14, 15
        };
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, UserImages.resize(four, 4, 4, 2, 2), 1e-6f);
        assertArrayEquals(new float[] {7.5f}, UserImages.resize(four, 4, 4, 1, 1), 1e-6f);
        assertArrayEquals(
                new float[] {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3},
                UserImages.resize(new float[] {0, 1, 2, 3}, 2, 2, 4, 4),
                1e-6f);
    }
}
