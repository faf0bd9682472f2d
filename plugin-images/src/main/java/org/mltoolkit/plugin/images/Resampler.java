package org.mltoolkit.plugin.images;

/**
 * Resizes a plane of pixels with a triangle (bilinear) filter that widens with the reduction, so that shrinking
 * averages every source pixel instead of sampling a few (the antialiased bilinear resize of PIL and of torchvision's
 * {@code Resize}). Rows are resized first, then columns. Does not mutate its input.
 */
final class Resampler {
    private Resampler() {}

    /** The weights of one direction: output pixel {@code i} sums {@code count[i]} inputs from {@code first[i]}. */
    private record Taps(int[] first, int[] count, float[][] weights) {}

    /**
     * Resizes {@code source} ({@code from.height() x from.width()}, row-major) to {@code to}; returns {@code source}
     * itself when the sizes are equal.
     */
    static float[] resize(float[] source, ImageSize from, ImageSize to) {
        if (from.equals(to)) {
            return source;
        }
        Taps horizontal = taps(from.width(), to.width());
        Taps vertical = taps(from.height(), to.height());
        int inW = from.width();
        int outW = to.width();
        float[] rows = new float[from.height() * outW];
        for (int y = 0; y < from.height(); y++) {
            int rowStart = y * inW;
            for (int x = 0; x < outW; x++) {
                float[] w = horizontal.weights[x];
                int first = rowStart + horizontal.first[x];
                float sum = 0;
                for (int k = 0; k < horizontal.count[x]; k++) {
                    sum += w[k] * source[first + k];
                }
                rows[y * outW + x] = sum;
            }
        }
        float[] out = new float[to.height() * outW];
        for (int y = 0; y < to.height(); y++) {
            float[] w = vertical.weights[y];
            int first = vertical.first[y];
            for (int k = 0; k < vertical.count[y]; k++) {
                float weight = w[k];
                int from0 = (first + k) * outW;
                int to0 = y * outW;
                for (int x = 0; x < outW; x++) {
                    out[to0 + x] += weight * rows[from0 + x];
                }
            }
        }
        return out;
    }

    /**
     * Output pixel {@code i}'s centre lies at {@code (i + 0.5) * scale} in input coordinates; the triangle filter of
     * radius {@code max(scale, 1)} around it weighs the input pixels, and the weights are normalised to sum to 1.
     */
    private static Taps taps(int in, int out) {
        double scale = (double) in / out;
        double radius = Math.max(scale, 1.0);
        int[] first = new int[out];
        int[] count = new int[out];
        float[][] weights = new float[out][];
        for (int i = 0; i < out; i++) {
            double centre = (i + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(centre - radius));
            int hi = Math.min(in - 1, (int) Math.ceil(centre + radius));
            double[] w = new double[hi - lo + 1];
            double total = 0;
            for (int j = lo; j <= hi; j++) {
                double distance = Math.abs(j + 0.5 - centre) / radius;
                double weight = Math.max(0, 1 - distance);
                w[j - lo] = weight;
                total += weight;
            }
            // Trim zero weights at both ends so the inner loops only touch pixels that count.
            int start = 0;
            int end = w.length;
            while (start < end - 1 && w[start] == 0) {
                start++;
            }
            while (end > start + 1 && w[end - 1] == 0) {
                end--;
            }
            first[i] = lo + start;
            count[i] = end - start;
            weights[i] = new float[end - start];
            for (int k = start; k < end; k++) {
                weights[i][k - start] = (float) (total > 0 ? w[k] / total : 1.0 / w.length);
            }
        }
        return new Taps(first, count, weights);
    }
}
