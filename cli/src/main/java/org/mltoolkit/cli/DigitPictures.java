package org.mltoolkit.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.checkpoint.OutputFiles;

/**
 * Pictures of examples with their labels: text for a terminal (two pixel rows per character with half blocks)
 * and a PNG grid. Pixels in [0, 1]; a grey example is drawn dark on light, a colour (3-channel) one in its colours in
 * the PNG and by its luma in the terminal.
 */
final class DigitPictures {
    private static final String PNG_METADATA = "javax_imageio_png_1.0";
    /** One example to draw: its pixels start at {@code offset} in {@code pixels}. */
    record Tile(float[] pixels, int offset, String caption, boolean correct, int predicted) {}

    private static final int SCALE = 4;
    private static final int PAD = 4;
    private static final int CAPTION_HEIGHT = 7 * 2 + 4;
    /** A 3x5 bitmap font for the digits 0-9, one row a string; enough to label a picture without system fonts. */
    private static final String[][] DIGITS = {
        {"###", "#.#", "#.#", "#.#", "###"}, {".#.", "##.", ".#.", ".#.", "###"},
        {"###", "..#", "###", "#..", "###"}, {"###", "..#", "###", "..#", "###"},
        {"#.#", "#.#", "###", "..#", "..#"}, {"###", "#..", "###", "..#", "###"},
        {"###", "#..", "###", "#.#", "###"}, {"###", "..#", ".#.", ".#.", ".#."},
        {"###", "#.#", "###", "#.#", "###"}, {"###", "#.#", "###", "..#", "###"},
    };

    private DigitPictures() {}

    /** Draws the tiles side by side, {@code perRow} to a row, each under its caption. */
    static String text(List<Tile> tiles, ExampleShape shape, int perRow) {
        StringBuilder sb = new StringBuilder();
        int width = shape.width();
        for (int start = 0; start < tiles.size(); start += perRow) {
            List<Tile> row = tiles.subList(start, Math.min(tiles.size(), start + perRow));
            for (Tile tile : row) {
                String caption =
                        tile.caption().length() > width ? tile.caption().substring(0, width) : tile.caption();
                sb.append(caption).append(" ".repeat(width - caption.length() + 2));
            }
            sb.append('\n');
            for (int y = 0; y < shape.height(); y += 2) {
                for (Tile tile : row) {
                    for (int x = 0; x < width; x++) {
                        boolean top = pixel(tile, shape, y, x) >= 0.5f;
                        boolean bottom = y + 1 < shape.height() && pixel(tile, shape, y + 1, x) >= 0.5f;
                        sb.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : '·'));
                    }
                    sb.append("  ");
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Writes the tiles as a PNG grid: grey-scale digits, each framed green when the prediction is right and red
     * when wrong, with the predicted class drawn above it. The file is replaced atomically ({@link AtomicFiles}).
     * Throws ToolkitException naming the file when it cannot be written; the file is then unchanged.
     */
    static void png(List<Tile> tiles, ExampleShape shape, int perRow, Path file) {
        int cellWidth = shape.width() * SCALE + 2 * PAD;
        int cellHeight = shape.height() * SCALE + 2 * PAD + CAPTION_HEIGHT;
        int columns = Math.max(1, Math.min(perRow, tiles.size()));
        int rows = Math.max(1, (tiles.size() + columns - 1) / columns);
        BufferedImage image = new BufferedImage(columns * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        fill(image, 0, 0, image.getWidth(), image.getHeight(), 0xFFFFFF);
        for (int t = 0; t < tiles.size(); t++) {
            Tile tile = tiles.get(t);
            int left = (t % columns) * cellWidth;
            int top = (t / columns) * cellHeight;
            int frame = tile.correct() ? 0x2E9E44 : 0xD62728;
            fill(image, left + 1, top + CAPTION_HEIGHT, cellWidth - 2, cellHeight - CAPTION_HEIGHT - 1, frame);
            drawNumber(image, tile.predicted(), left + PAD, top + 2, frame);
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++) {
                    fill(
                            image,
                            left + PAD + x * SCALE,
                            top + CAPTION_HEIGHT + PAD - 1 + y * SCALE,
                            SCALE,
                            SCALE,
                            rgb(tile, shape, y, x));
                }
            }
        }
        writePng(image, file);
    }

    /**
     * Replaces {@code file} atomically with {@code image} as a PNG whose {@code tEXt} chunk {@code Software} names the
     * toolkit ({@link OutputFiles#PRODUCER}), so that a later run knows it may replace the file. Throws
     * ToolkitException naming the file when it cannot be written.
     */
    static void writePng(BufferedImage image, Path file) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").hasNext()
                ? ImageIO.getImageWritersByFormatName("png").next()
                : null;
        if (writer == null) {
            throw new ToolkitException(file + ": no PNG writer is available in this Java runtime");
        }
        try {
            IIOMetadata metadata =
                    writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
            IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
            entry.setAttribute("keyword", "Software");
            entry.setAttribute("value", OutputFiles.PRODUCER);
            IIOMetadataNode text = new IIOMetadataNode("tEXt");
            text.appendChild(entry);
            IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
            root.appendChild(text);
            metadata.mergeTree(PNG_METADATA, root);
            AtomicFiles.write(file, out -> {
                try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
                    writer.setOutput(stream);
                    writer.write(new IIOImage(image, null, metadata));
                }
            });
        } catch (IOException e) {
            throw new ToolkitException(file + ": cannot write the picture: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    /** The brightness of a pixel: its value, or for a colour example the luma of its three channels. */
    private static float pixel(Tile tile, ExampleShape shape, int y, int x) {
        if (shape.channels() == 3) {
            return 0.299f * channel(tile, shape, 0, y, x)
                    + 0.587f * channel(tile, shape, 1, y, x)
                    + 0.114f * channel(tile, shape, 2, y, x);
        }
        return channel(tile, shape, 0, y, x);
    }

    /** The PNG colour of a pixel: a colour example's own, or a grey one inverted (dark strokes on white). */
    private static int rgb(Tile tile, ExampleShape shape, int y, int x) {
        if (shape.channels() == 3) {
            return level(channel(tile, shape, 0, y, x)) << 16
                    | level(channel(tile, shape, 1, y, x)) << 8
                    | level(channel(tile, shape, 2, y, x));
        }
        int grey = 255 - level(channel(tile, shape, 0, y, x));
        return grey << 16 | grey << 8 | grey;
    }

    private static int level(float value) {
        return Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
    }

    private static float channel(Tile tile, ExampleShape shape, int c, int y, int x) {
        return tile.pixels()[tile.offset() + (c * shape.height() + y) * shape.width() + x];
    }

    private static void drawNumber(BufferedImage image, int value, int left, int top, int rgb) {
        String digits = Integer.toString(value);
        int scale = 2;
        for (int d = 0; d < digits.length(); d++) {
            String[] glyph = DIGITS[digits.charAt(d) - '0'];
            for (int y = 0; y < glyph.length; y++) {
                for (int x = 0; x < glyph[y].length(); x++) {
                    if (glyph[y].charAt(x) == '#') {
                        fill(image, left + d * 4 * scale + x * scale, top + y * scale, scale, scale, rgb);
                    }
                }
            }
        }
    }

    private static void fill(BufferedImage image, int left, int top, int width, int height, int rgb) {
        for (int y = Math.max(0, top); y < Math.min(image.getHeight(), top + height); y++) {
            for (int x = Math.max(0, left); x < Math.min(image.getWidth(), left + width); x++) {
                image.setRGB(x, y, rgb);
            }
        }
    }
}
