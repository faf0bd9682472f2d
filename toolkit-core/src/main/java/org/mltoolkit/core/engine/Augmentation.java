package org.mltoolkit.core.engine;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.mltoolkit.api.InvalidConfigurationException;

/**
 * Random affine transforms of training images: each example of each epoch is rotated by an angle drawn uniformly
 * from {@code [-maxRotation, maxRotation]} degrees about the image's centre, scaled by a factor drawn from {@code
 * [minScale, maxScale]} and shifted by distances drawn from {@code [-maxShift, maxShift]} pixels along each axis,
 * then resampled bilinearly (pixels from outside the image are 0). On request the image is also distorted
 * elastically (Simard, Steinkraus and Platt, 2003): every pixel moves by its own displacement, drawn uniformly from
 * {@code [-1, 1]} along each axis, smoothed by a Gaussian of {@code elasticSigma} pixels and scaled by {@code
 * elasticAlpha}, so strokes bend locally as they do between two people's handwriting. The draw depends on the run's
 * seed, the epoch and the example's index in the dataset alone, so a resumed run, another batch size or another
 * thread count sees the same images.
 *
 * <p>Parsed from a short text that fits a configuration file and a command line: {@code none}, {@code default}
 * ({@value #DEFAULT_SPEC}), or comma-separated settings {@code rotate=DEGREES}, {@code shift=PIXELS}, {@code
 * scale=MIN:MAX} (or {@code scale=FACTOR} for a fixed factor) and {@code elastic=ALPHA[:SIGMA]} (sigma {@value
 * #DEFAULT_ELASTIC_SIGMA} when left out), where a setting left out takes its default value (no elastic distortion).
 *
 * @param maxRotation  largest rotation in degrees, either way, in {@code [0, 180]}
 * @param maxShift     largest shift in pixels along each axis, {@code >= 0}
 * @param minScale     smallest scale factor, {@code > 0}
 * @param maxScale     largest scale factor, {@code >= minScale}
 * @param elasticAlpha scale of the elastic displacements in pixels, {@code >= 0} (0: none)
 * @param elasticSigma width in pixels of the Gaussian that smooths them, {@code > 0} when {@code elasticAlpha > 0}
 */
public record Augmentation(
        double maxRotation,
        double maxShift,
        double minScale,
        double maxScale,
        double elasticAlpha,
        double elasticSigma) {
    /** The setting's name in configurations and messages. */
    public static final String SETTING = "augment";

    /** The transforms {@code default} stands for. */
    public static final String DEFAULT_SPEC = "rotate=10,shift=2,scale=0.9:1.1";

    /** The smoothing of {@code elastic=ALPHA} without a sigma, in pixels (Simard et al.'s choice for MNIST). */
    public static final double DEFAULT_ELASTIC_SIGMA = 4;

    /** No transform: the images as they are. */
    public static final Augmentation NONE = new Augmentation(0, 0, 1, 1);

    /** Rotation up to 10 degrees, shift up to 2 pixels, scale between 0.9 and 1.1. */
    public static final Augmentation DEFAULT = new Augmentation(10, 2, 0.9, 1.1);

    /** The Gaussian is cut off this many sigmas from its centre. */
    private static final double KERNEL_SIGMAS = 3;

    /** Separates the augmentation's random numbers from the split's and the shuffles' (any fixed number). */
    private static final long STREAM = 0x6175676D656E74L;

    /** Throws InvalidConfigurationException (setting {@value #SETTING}) naming the value out of range. */
    public Augmentation {
        check(
                Double.isFinite(maxRotation) && maxRotation >= 0 && maxRotation <= 180,
                "rotate",
                maxRotation,
                "must lie between 0 and 180 degrees");
        check(Double.isFinite(maxShift) && maxShift >= 0, "shift", maxShift, "must be a number of pixels >= 0");
        check(Double.isFinite(minScale) && minScale > 0, "scale", minScale, "must be a positive factor");
        check(
                Double.isFinite(maxScale) && maxScale >= minScale,
                "scale",
                maxScale,
                "the largest factor must be at least the smallest, " + minScale);
        check(
                Double.isFinite(elasticAlpha) && elasticAlpha >= 0,
                "elastic",
                elasticAlpha,
                "the displacement scale must be a number of pixels >= 0");
        if (elasticAlpha > 0 && !(Double.isFinite(elasticSigma) && elasticSigma > 0 && elasticSigma <= 100)) {
            throw new InvalidConfigurationException(
                    SETTING,
                    "elastic=" + plain(elasticAlpha) + ":" + plain(elasticSigma),
                    "the smoothing sigma must be a positive number of pixels, at most 100");
        }
    }

    /** Affine transforms alone, without elastic distortion. */
    public Augmentation(double maxRotation, double maxShift, double minScale, double maxScale) {
        this(maxRotation, maxShift, minScale, maxScale, 0, DEFAULT_ELASTIC_SIGMA);
    }

    /**
     * Parses {@code none}, {@code default} or {@code rotate=D,shift=P,scale=MIN:MAX} (any subset, the rest at its
     * default). Throws InvalidConfigurationException naming the text and the part at fault.
     */
    public static Augmentation parse(String spec) {
        String text = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (text.equals("none")) {
            return NONE;
        }
        if (text.equals("default")) {
            return DEFAULT;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigurationException(
                        SETTING, spec, "'" + part + "' is not KEY=VALUE; use none, default or " + DEFAULT_SPEC);
            }
            String key = part.substring(0, eq).trim();
            if (!key.equals("rotate") && !key.equals("shift") && !key.equals("scale") && !key.equals("elastic")) {
                throw new InvalidConfigurationException(
                        SETTING,
                        spec,
                        "unknown setting '" + key + "'; the settings are rotate, shift, scale and elastic");
            }
            if (settings.put(key, part.substring(eq + 1).trim()) != null) {
                throw new InvalidConfigurationException(SETTING, spec, "'" + key + "' is given twice");
            }
        }
        double rotation = number(spec, "rotate", settings.get("rotate"), DEFAULT.maxRotation);
        double shift = number(spec, "shift", settings.get("shift"), DEFAULT.maxShift);
        double min = DEFAULT.minScale;
        double max = DEFAULT.maxScale;
        String scale = settings.get("scale");
        if (scale != null) {
            int colon = scale.indexOf(':');
            min = number(spec, "scale", colon < 0 ? scale : scale.substring(0, colon), 0);
            max = colon < 0 ? min : number(spec, "scale", scale.substring(colon + 1), 0);
        }
        double alpha = 0;
        double sigma = DEFAULT_ELASTIC_SIGMA;
        String elastic = settings.get("elastic");
        if (elastic != null) {
            int colon = elastic.indexOf(':');
            alpha = number(spec, "elastic", colon < 0 ? elastic : elastic.substring(0, colon), 0);
            sigma = colon < 0 ? sigma : number(spec, "elastic", elastic.substring(colon + 1), 0);
        }
        return new Augmentation(rotation, shift, min, max, alpha, sigma);
    }

    /** Whether any transform differs from the identity. */
    public boolean enabled() {
        return maxRotation > 0 || maxShift > 0 || minScale != 1 || maxScale != 1 || elasticAlpha > 0;
    }

    /**
     * The text this augmentation parses from: {@code none}, or the three affine settings followed by {@code
     * elastic=ALPHA:SIGMA} when there is an elastic distortion.
     */
    public String spec() {
        if (!enabled()) {
            return "none";
        }
        String affine = "rotate=" + plain(maxRotation) + ",shift=" + plain(maxShift) + ",scale=" + plain(minScale) + ":"
                + plain(maxScale);
        return elasticAlpha > 0 ? affine + ",elastic=" + plain(elasticAlpha) + ":" + plain(elasticSigma) : affine;
    }

    /**
     * The transform of example {@code example} (its index in the dataset) in epoch {@code epoch} of a run seeded
     * with {@code seed}: the same three numbers always give the same transform. The affine part is drawn first, so
     * adding an elastic distortion leaves each example's rotation, scale and shift as they were.
     */
    public Distortion draw(long seed, int epoch, int example) {
        SplittableRandom random =
                new SplittableRandom(Seeds.derive(Seeds.derive(Seeds.derive(seed, STREAM), epoch), example));
        double angle = (2 * random.nextDouble() - 1) * maxRotation;
        double scale = minScale + random.nextDouble() * (maxScale - minScale);
        double dx = (2 * random.nextDouble() - 1) * maxShift;
        double dy = (2 * random.nextDouble() - 1) * maxShift;
        Affine affine = new Affine(angle, scale, dx, dy);
        return elasticAlpha > 0
                ? new Distortion(affine, elasticAlpha, elasticSigma, random.nextLong())
                : new Distortion(affine, 0, DEFAULT_ELASTIC_SIGMA, 0);
    }

    /**
     * One example's transform: an elastic displacement field (none when {@code alpha} is 0), then {@code affine}.
     * The field is made from {@code fieldSeed} for the image's size when applied.
     *
     * @param affine    the rotation, scale and shift
     * @param alpha     scale of the smoothed displacements in pixels
     * @param sigma     width of the smoothing Gaussian in pixels
     * @param fieldSeed seed of the field's uniform draws
     */
    public record Distortion(Affine affine, double alpha, double sigma, long fieldSeed) {

        /**
         * Writes the distorted image {@code source[sourceOffset ..]} of {@code channels x height x width} floats to
         * {@code target[targetOffset ..]}, as {@link Affine#apply} does, each target pixel first moved by its
         * elastic displacement. Mutates only that range of {@code target}; the two ranges must not overlap.
         */
        public void apply(
                float[] source,
                int sourceOffset,
                float[] target,
                int targetOffset,
                int channels,
                int height,
                int width) {
            if (alpha == 0) {
                affine.apply(source, sourceOffset, target, targetOffset, channels, height, width);
                return;
            }
            float[] kernel = gaussianKernel();
            SplittableRandom random = new SplittableRandom(fieldSeed);
            float[] fieldX = smoothedField(random, kernel, height, width);
            float[] fieldY = smoothedField(random, kernel, height, width);
            affine.resample(source, sourceOffset, target, targetOffset, channels, height, width, fieldX, fieldY);
        }

        /**
         * Displacements uniform in {@code [-1, 1]} for every pixel, smoothed by {@code kernel} (rows, then columns;
         * the field is 0 beyond the image) and scaled by {@code alpha}.
         */
        private float[] smoothedField(SplittableRandom random, float[] kernel, int height, int width) {
            float[] raw = new float[height * width];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (float) (2 * random.nextDouble() - 1);
            }
            return blur(blur(raw, kernel, height, width, 1, 1), kernel, width, height, width, alpha);
        }

        /** The Gaussian of {@code sigma}, cut off at 3 sigmas and normalised to sum 1. */
        private float[] gaussianKernel() {
            int radius = (int) Math.ceil(KERNEL_SIGMAS * sigma);
            float[] kernel = new float[2 * radius + 1];
            double sum = 0;
            for (int k = -radius; k <= radius; k++) {
                sum += kernel[k + radius] = (float) Math.exp(-0.5 * k * k / (sigma * sigma));
            }
            for (int k = 0; k < kernel.length; k++) {
                kernel[k] = (float) (kernel[k] / sum);
            }
            return kernel;
        }

        /**
         * {@code image} convolved with {@code kernel} along one axis and multiplied by {@code scale}: along rows with
         * {@code step} 1 (lines of {@code length} = width pixels, {@code lines} = height of them), along columns with
         * {@code step} = width. Pixels beyond the image count as 0.
         */
        private static float[] blur(float[] image, float[] kernel, int lines, int length, int step, double scale) {
            int radius = kernel.length / 2;
            int lineStep = step == 1 ? length : 1;
            float[] out = new float[image.length];
            for (int line = 0; line < lines; line++) {
                for (int i = 0; i < length; i++) {
                    int at = line * lineStep + i * step;
                    float acc = 0;
                    for (int k = Math.max(-radius, -i); k <= Math.min(radius, length - 1 - i); k++) {
                        acc += kernel[k + radius] * image[at + k * step];
                    }
                    out[at] = (float) (scale * acc);
                }
            }
            return out;
        }
    }

    /**
     * One transform: rotation by {@code degrees} about the image's centre (clockwise as the image is shown, rows
     * going down), scaling by {@code scale} about the centre, then a shift of {@code dx} pixels to the right and
     * {@code dy} pixels down.
     */
    public record Affine(double degrees, double scale, double dx, double dy) {

        /**
         * Writes the transformed image {@code source[sourceOffset ..]} of {@code channels x height x width} floats
         * to {@code target[targetOffset ..]} (the same transform for every channel). Each target pixel takes the
         * bilinear interpolation of the source at the point the transform maps onto it; points outside the source
         * read 0. Mutates only that range of {@code target}; the two ranges must not overlap.
         */
        public void apply(
                float[] source,
                int sourceOffset,
                float[] target,
                int targetOffset,
                int channels,
                int height,
                int width) {
            resample(source, sourceOffset, target, targetOffset, channels, height, width, null, null);
        }

        /** As {@link #apply}, each target pixel first moved by {@code fieldX}, {@code fieldY} unless they are null. */
        void resample(
                float[] source,
                int sourceOffset,
                float[] target,
                int targetOffset,
                int channels,
                int height,
                int width,
                float[] fieldX,
                float[] fieldY) {
            double radians = Math.toRadians(degrees);
            double cos = Math.cos(radians) / scale;
            double sin = Math.sin(radians) / scale;
            double cx = (width - 1) / 2.0;
            double cy = (height - 1) / 2.0;
            int plane = height * width;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double u = x - cx - dx;
                    double v = y - cy - dy;
                    if (fieldX != null) {
                        u += fieldX[y * width + x];
                        v += fieldY[y * width + x];
                    }
                    // The inverse rotation and scale take the target pixel back to the source.
                    double sx = cos * u + sin * v + cx;
                    double sy = -sin * u + cos * v + cy;
                    int x0 = (int) Math.floor(sx);
                    int y0 = (int) Math.floor(sy);
                    float fx = (float) (sx - x0);
                    float fy = (float) (sy - y0);
                    for (int c = 0; c < channels; c++) {
                        int base = sourceOffset + c * plane;
                        float top = lerp(
                                pixel(source, base, x0, y0, height, width),
                                pixel(source, base, x0 + 1, y0, height, width),
                                fx);
                        float bottom = lerp(
                                pixel(source, base, x0, y0 + 1, height, width),
                                pixel(source, base, x0 + 1, y0 + 1, height, width),
                                fx);
                        target[targetOffset + c * plane + y * width + x] = lerp(top, bottom, fy);
                    }
                }
            }
        }

        private static float pixel(float[] source, int base, int x, int y, int height, int width) {
            return x < 0 || y < 0 || x >= width || y >= height ? 0f : source[base + y * width + x];
        }

        private static float lerp(float a, float b, float t) {
            return t == 0f ? a : a + (b - a) * t;
        }
    }

    private static double number(String spec, String key, String value, double absent) {
        if (value == null) {
            return absent;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(SETTING, spec, key + " '" + value + "' is not a number");
        }
    }

    private static void check(boolean ok, String key, double value, String problem) {
        if (!ok) {
            throw new InvalidConfigurationException(SETTING, key + "=" + plain(value), problem);
        }
    }

    private static String plain(double value) {
        return Double.isFinite(value)
                ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
                : "" + value;
    }
}
