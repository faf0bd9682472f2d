package org.mltoolkit.plugin.cnn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.plugin.cnn.ort.NativeBuffers;

/**
 * What a network expects of its input, given the toolkit's pixels in [0, 1]: {@code (x * scale - mean[c]) / std[c]}
 * for channel {@code c}. A network trained on raw bytes takes {@code scale=255}; one trained on torchvision's
 * normalised MNIST takes {@code mean=0.1307 std=0.3081}. Immutable.
 *
 * @param scale factor applied first
 * @param mean  one value per channel, or one for all
 * @param std   one value per channel, or one for all; every value positive
 */
public record Preprocessing(float scale, float[] mean, float[] std) {
    /** No change: the toolkit's pixels as they are. */
    public static final Preprocessing NONE = new Preprocessing(1f, new float[] {0f}, new float[] {1f});

    public static final String SCALE = "scale";
    public static final String MEAN = "mean";
    public static final String STD = "std";

    /**
     * Reads the options {@code scale}, {@code mean} and {@code std} (comma-separated, one value or one per channel of
     * {@code shape}). Throws InvalidConfigurationException naming the option and its value when a value is not a
     * finite number, a count matches neither 1 nor the channels, a std is not positive or the scale is 0.
     */
    public static Preprocessing fromOptions(PluginOptions options, ExampleShape shape) {
        float scale = (float) options.getDouble(SCALE, 1.0);
        if (!Float.isFinite(scale) || scale == 0f) {
            throw new InvalidConfigurationException(SCALE, options.getString(SCALE, ""), "must be a non-zero number");
        }
        float[] mean = perChannel(options, MEAN, 0f, shape.channels());
        float[] std = perChannel(options, STD, 1f, shape.channels());
        for (float s : std) {
            if (!(s > 0)) {
                throw new InvalidConfigurationException(
                        STD, options.getString(STD, ""), "every value must be positive");
            }
        }
        return new Preprocessing(scale, mean, std);
    }

    private static float[] perChannel(PluginOptions options, String key, float defaultValue, int channels) {
        String text = options.getString(key, null);
        if (text == null) {
            return new float[] {defaultValue};
        }
        String[] parts = text.split(",");
        float[] values = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                values[i] = Float.parseFloat(parts[i].trim());
                if (!Float.isFinite(values[i])) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(key, text, "expected numbers separated by commas");
        }
        if (values.length != 1 && values.length != channels) {
            throw new InvalidConfigurationException(
                    key, text, "needs 1 value or " + channels + " (one per channel), got " + values.length);
        }
        return values;
    }

    /** True when the input goes to the network unchanged. */
    public boolean isIdentity() {
        if (scale != 1f) {
            return false;
        }
        for (float m : mean) {
            if (m != 0f) {
                return false;
            }
        }
        for (float s : std) {
            if (s != 1f) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the first {@code n} examples of {@code source} (shape {@code shape} each), preprocessed, into
     * {@code target} from position 0. Mutates only {@code target}'s contents.
     */
    public void apply(float[] source, int n, ExampleShape shape, FloatBuffer target) {
        int total = n * shape.size();
        if (isIdentity()) {
            NativeBuffers.copy(source, total, target);
            return;
        }
        int plane = shape.height() * shape.width();
        int channels = shape.channels();
        float[] row = new float[plane];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                float m = mean[mean.length == 1 ? 0 : c];
                float s = std[std.length == 1 ? 0 : c];
                int offset = (i * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    row[p] = (source[offset + p] * scale - m) / s;
                }
                target.put(offset, row, 0, plane);
            }
        }
    }

    /** The options as a user writes them, for descriptions: {@code scale=255 mean=0.5 std=0.5}. */
    public String describe() {
        return String.format(Locale.ROOT, "scale=%s mean=%s std=%s", trim(scale), join(mean), join(std));
    }

    private static String join(float[] values) {
        return String.join(
                ",",
                Arrays.stream(toDoubles(values)).mapToObj(Preprocessing::trim).toList());
    }

    private static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Float.toString((float) v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p
                && p.scale == scale
                && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Float.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return describe();
    }
}
