package org.mltoolkit.core.data;

import java.util.List;
import java.util.Objects;
import org.mltoolkit.api.LabeledData;

/**
 * Summary of one split of a dataset. Pixel statistics run over every feature value of every example, in double
 * precision; the standard deviation is the population one (divided by the number of values), as normalisation
 * constants are usually quoted. With no examples the pixel figures are NaN.
 *
 * @param split       the split's name, {@code train} or {@code test}
 * @param examples    number of examples
 * @param classCounts number of examples per class, in label order
 * @param pixelMean   mean of all feature values
 * @param pixelStd    population standard deviation of all feature values
 * @param pixelMin    smallest feature value
 * @param pixelMax    largest feature value
 * @param channelMeans mean of each channel's values (one entry for a grey image), the normalisation constants a
 *                     colour network is usually given
 * @param channelStds  population standard deviation of each channel's values
 */
public record SplitStatistics(
        String split,
        int examples,
        List<Integer> classCounts,
        double pixelMean,
        double pixelStd,
        double pixelMin,
        double pixelMax,
        List<Double> channelMeans,
        List<Double> channelStds) {
    public SplitStatistics {
        Objects.requireNonNull(split, "split");
        classCounts = List.copyOf(classCounts);
        channelMeans = List.copyOf(channelMeans);
        channelStds = List.copyOf(channelStds);
    }

    /** Computes the statistics of {@code data}; does not mutate it. */
    public static SplitStatistics of(String split, LabeledData data) {
        int[] counts = new int[data.numClasses()];
        for (int label : data.labels()) {
            counts[label]++;
        }
        // One example at a time in float, in the order of the values: the sums come out as they did over one array.
        int exampleSize = data.shape().size();
        float[] example = new float[exampleSize];
        long count = (long) data.size() * exampleSize;
        double mean = Double.NaN;
        double std = Double.NaN;
        double min = Double.NaN;
        double max = Double.NaN;
        if (count > 0) {
            double sum = 0;
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < data.size(); i++) {
                data.copyExample(i, example, 0);
                for (float v : example) {
                    sum += v;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            mean = sum / count;
            // A second pass around the mean avoids the cancellation of the sum-of-squares formula.
            double squares = 0;
            for (int i = 0; i < data.size(); i++) {
                data.copyExample(i, example, 0);
                for (float v : example) {
                    double d = v - mean;
                    squares += d * d;
                }
            }
            std = Math.sqrt(squares / count);
        }
        int channels = data.shape().channels();
        int plane = data.shape().height() * data.shape().width();
        double[] channelMeans = new double[channels];
        double[] channelStds = new double[channels];
        long perChannel = (long) data.size() * plane;
        double[] channelSums = new double[channels];
        for (int i = 0; i < data.size(); i++) {
            data.copyExample(i, example, 0);
            for (int c = 0; c < channels; c++) {
                int from = c * plane;
                for (int p = 0; p < plane; p++) {
                    channelSums[c] += example[from + p];
                }
            }
        }
        double[] channelSquares = new double[channels];
        for (int c = 0; c < channels; c++) {
            channelMeans[c] = perChannel == 0 ? Double.NaN : channelSums[c] / perChannel;
        }
        for (int i = 0; i < data.size(); i++) {
            data.copyExample(i, example, 0);
            for (int c = 0; c < channels; c++) {
                int from = c * plane;
                for (int p = 0; p < plane; p++) {
                    double d = example[from + p] - channelMeans[c];
                    channelSquares[c] += d * d;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            channelStds[c] = perChannel == 0 ? Double.NaN : Math.sqrt(channelSquares[c] / perChannel);
        }
        return new SplitStatistics(
                split,
                data.size(),
                java.util.Arrays.stream(counts).boxed().toList(),
                mean,
                std,
                min,
                max,
                java.util.Arrays.stream(channelMeans).boxed().toList(),
                java.util.Arrays.stream(channelStds).boxed().toList());
    }
}
