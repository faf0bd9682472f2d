package org.mltoolkit.plugin.images;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads PNG, JPEG, BMP and GIF files from their bytes, recognised by their content (a PNG named {@code .jpg} is read
 * as a PNG), with Java's image readers; JPEG files go through TwelveMonkeys' reader, which gets CMYK and YCCK files
 * right where the JDK's own gets their colours wrong. Readers are created for each call and used from one thread,
 * and nothing is registered with ImageIO's global registry, so the host and other plugins see no change. Streams
 * are read from memory, never through ImageIO's temporary files.
 *
 * <p>Pixels come out as floats in [0, 255], one plane per channel. A grey file (a grey colour space, or a palette of
 * greys) is read from its samples: going through {@link BufferedImage#getRGB} would brighten it, because Java's grey
 * colour space is linear. Colour files are converted to sRGB; a grey result of a colour file is the luma
 * {@code 0.299 R + 0.587 G + 0.114 B}, as PIL's {@code convert("L")}. Transparency is dropped, as PIL's
 * {@code convert("RGB")} drops it.
 */
final class ImageCodec {
    /** Larger images are refused rather than decoded into gigabytes of memory. */
    static final long MAX_PIXELS = 100_000_000L;

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] BMP = {'B', 'M'};
    private static final byte[] GIF = {'G', 'I', 'F', '8'};

    private static final ImageReaderSpi JPEG_READERS = jpegReaderSpi();

    private ImageCodec() {}

    /** What the header says: the size and whether the file holds grey pixels only. */
    record Header(ImageSize size, boolean grey) {}

    /** A file this codec cannot read; the message says why in a few words. */
    static final class BadImageException extends Exception {
        private static final long serialVersionUID = 1L;

        BadImageException(String reason) {
            super(reason);
        }

        BadImageException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** Reads the header only. Throws BadImageException when the bytes are not a readable image. */
    static Header header(byte[] content) throws BadImageException {
        ImageReader reader = readerFor(content);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(content))) {
            reader.setInput(in, true, true);
            ImageSize size = new ImageSize(reader.getHeight(0), reader.getWidth(0));
            checkSize(size);
            ImageTypeSpecifier type = reader.getRawImageType(0);
            if (type == null) {
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                type = types.hasNext() ? types.next() : null;
            }
            return new Header(size, type != null && isGrey(type.getColorModel()));
        } catch (IOException | RuntimeException e) {
            throw bad(e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes the first image of the file into {@code channels} planes (1: grey, 3: R, G, B) of floats in [0, 255],
     * row-major. Throws BadImageException when the bytes are not a readable image or are cut short.
     */
    static Planes decode(byte[] content, int channels) throws BadImageException {
        ImageReader reader = readerFor(content);
        BufferedImage image;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(content))) {
            reader.setInput(in, true, true);
            checkSize(new ImageSize(reader.getHeight(0), reader.getWidth(0)));
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw bad(e);
        } finally {
            reader.dispose();
        }
        return planes(image, channels);
    }

    /** Pixel planes of one image at its own size. */
    record Planes(ImageSize size, boolean grey, float[][] channels) {}

    private static Planes planes(BufferedImage image, int channels) {
        int width = image.getWidth();
        int height = image.getHeight();
        int n = width * height;
        ColorModel model = image.getColorModel();
        float[][] out = new float[channels][];
        if (model instanceof ComponentColorModel && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Samples as stored: 1 to 16 bits, scaled to [0, 255].
            Raster raster = image.getRaster();
            float scale = 255f / ((1 << model.getComponentSize(0)) - 1);
            float[] grey = raster.getSamples(0, 0, width, height, 0, new float[n]);
            for (int i = 0; i < n; i++) {
                grey[i] *= scale;
            }
            for (int c = 0; c < channels; c++) {
                out[c] = c == 0 ? grey : grey.clone();
            }
            return new Planes(new ImageSize(height, width), true, out);
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        boolean grey = isGrey(model);
        if (channels == 1) {
            float[] luma = new float[n];
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                luma[i] = 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
            }
            out[0] = luma;
        } else {
            for (int c = 0; c < 3; c++) {
                float[] plane = new float[n];
                int shift = 16 - 8 * c;
                for (int i = 0; i < n; i++) {
                    plane[i] = (argb[i] >> shift) & 0xFF;
                }
                out[c] = plane;
            }
        }
        return new Planes(new ImageSize(height, width), grey, out);
    }

    /** True for a grey colour space, or a palette whose every colour is a grey. */
    static boolean isGrey(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                int r = palette.getRed(i);
                if (r != palette.getGreen(i) || r != palette.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private static void checkSize(ImageSize size) throws BadImageException {
        if (size.pixels() > MAX_PIXELS) {
            throw new BadImageException(
                    "image is " + size + " pixels, more than the " + MAX_PIXELS / 1_000_000 + " megapixels read");
        }
    }

    /** A reader for the format the bytes start with; throws BadImageException when they start like none. */
    private static ImageReader readerFor(byte[] content) throws BadImageException {
        try {
            if (startsWith(content, JPEG)) {
                return JPEG_READERS.createReaderInstance();
            }
            String format = startsWith(content, PNG)
                    ? "png"
                    : startsWith(content, GIF) ? "gif" : startsWith(content, BMP) ? "bmp" : null;
            if (format == null) {
                int shown = Math.min(8, content.length);
                throw new BadImageException(
                        content.length == 0
                                ? "the file is empty"
                                : "not a PNG, JPEG, BMP or GIF file (it starts with bytes "
                                        + HexFormat.ofDelimiter(" ").formatHex(content, 0, shown) + ")");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new BadImageException("this Java runtime has no " + format.toUpperCase() + " reader");
            }
            return readers.next();
        } catch (IOException e) {
            throw bad(e);
        }
    }

    private static boolean startsWith(byte[] content, byte[] magic) {
        if (content.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (content[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** The reason in a few words: readers' messages are terse, and some throw unchecked exceptions on bad data. */
    private static BadImageException bad(Exception e) {
        if (e instanceof EOFException) {
            return new BadImageException("the file ends too early (truncated?)", e);
        }
        String message = e.getMessage();
        String reason = message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : (e instanceof IOException ? "" : e.getClass().getSimpleName() + ": ") + message;
        return new BadImageException("cannot decode: " + reason.replaceAll("\\s+", " "), e);
    }

    /**
     * TwelveMonkeys' JPEG reader provider, wired to the JDK's JPEG reader (which it delegates the decoding to) in a
     * private registry, so that ImageIO's global registry is left as it is.
     */
    private static ImageReaderSpi jpegReaderSpi() {
        ImageReaderSpi jdk = null;
        Iterator<ImageReaderSpi> all = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
        while (all.hasNext()) {
            ImageReaderSpi spi = all.next();
            if (spi.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi")) {
                jdk = spi;
            }
        }
        if (jdk == null) {
            throw new IllegalStateException("this Java runtime has no JPEG reader");
        }
        ServiceRegistry registry =
                new ServiceRegistry(List.<Class<?>>of(ImageReaderSpi.class).iterator());
        registry.registerServiceProvider(jdk, ImageReaderSpi.class);
        JPEGImageReaderSpi twelveMonkeys = new JPEGImageReaderSpi();
        // Registration hands the reader its delegate, the JDK's reader found in the registry.
        registry.registerServiceProvider(twelveMonkeys, ImageReaderSpi.class);
        return twelveMonkeys;
    }
}
