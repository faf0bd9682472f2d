package org.mltoolkit.plugin.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes files made by ImageMagick ({@code formats/make-fixtures.sh} beside them, which also wrote what ImageMagick
 * reads at one pixel into {@code formats/expected.tsv}) and compares.
 */
class ImageCodecTest {
    /** JPEG decoders differ by a few levels; lossless formats agree to rounding. */
    private static final int JPEG_TOLERANCE = 3;

    record Expected(String file, int height, int width, boolean grey, int red, int green, int blue) {}

    static Stream<Expected> expected() {
        String table = new String(resource("expected.tsv"), StandardCharsets.UTF_8);
        return table.lines().skip(1).map(line -> {
            String[] f = line.split("\t");
            return new Expected(
                    f[0],
                    Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]),
                    Boolean.parseBoolean(f[3]),
                    Integer.parseInt(f[4]),
                    Integer.parseInt(f[5]),
                    Integer.parseInt(f[6]));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expected")
    void decodesWhatImageMagickWrote(Expected e) throws Exception {
        byte[] content = resource(e.file());
        ImageCodec.Header header = ImageCodec.header(content);
        assertEquals(new ImageSize(e.height(), e.width()), header.size());
        assertEquals(e.grey(), header.grey(), "grey");

        ImageCodec.Planes rgb = ImageCodec.decode(content, 3);
        assertEquals(header.size(), rgb.size());
        int at = 5 * e.width() + 5;
        int tolerance = e.file().endsWith(".jpg") ? JPEG_TOLERANCE : 1;
        int[] want = {e.red(), e.green(), e.blue()};
        for (int c = 0; c < 3; c++) {
            assertEquals(want[c], rgb.channels()[c][at], tolerance, e.file() + " channel " + c);
        }
        ImageCodec.Planes grey = ImageCodec.decode(content, 1);
        double luma = 0.299 * want[0] + 0.587 * want[1] + 0.114 * want[2];
        assertEquals(luma, grey.channels()[0][at], tolerance + 0.5, e.file() + " luma");
    }

    @Test
    void greyFilesReadTheirStoredValuesNotBrightenedOnes() throws Exception {
        // Java's grey colour space is linear: converting 141 to sRGB would give about 196.
        ImageCodec.Planes planes = ImageCodec.decode(resource("grey8.png"), 1);
        assertTrue(planes.grey());
        assertEquals(141f, planes.channels()[0][5 * 12 + 5]);
    }

    @Test
    void aTruncatedFileAndTextWithAnImageNameAreBadWithAReason() {
        ImageCodec.BadImageException truncated =
                assertThrows(ImageCodec.BadImageException.class, () -> ImageCodec.decode(resource("truncated.png"), 1));
        assertFalse(truncated.getMessage().isBlank());
        ImageCodec.BadImageException text =
                assertThrows(ImageCodec.BadImageException.class, () -> ImageCodec.header(resource("text.png")));
        assertEquals(
                "not a PNG, JPEG, BMP or GIF file (it starts with bytes 6e 6f 74 20 61 6e 20 69)", text.getMessage());
        assertEquals(
                "the file is empty",
                assertThrows(ImageCodec.BadImageException.class, () -> ImageCodec.header(new byte[0]))
                        .getMessage());
    }

    @Test
    void readingJpegLeavesImageIoGlobalRegistryAsItWas() throws Exception {
        List<String> before = readerClasses();
        ImageCodec.decode(resource("cmyk.jpg"), 3);
        assertEquals(before, readerClasses());
    }

    private static List<String> readerClasses() {
        List<String> names = new java.util.ArrayList<>();
        IIORegistry.getDefaultInstance()
                .getServiceProviders(ImageReaderSpi.class, false)
                .forEachRemaining(spi -> names.add(spi.getClass().getName()));
        return names;
    }

    static byte[] resource(String name) {
        try (InputStream in = ImageCodecTest.class.getResourceAsStream("formats/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource formats/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
