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
        float[] values = data.features();
        double mean = Double.NaN;
        double std = Double.NaN;
        double min = Double.NaN;
        double max = Double.NaN;
        if (values.length > 0) {
            double sum = 0;
            min = Double.POSITIVE_INFINITY;
            max = Double.NEGATIVE_INFINITY;
            for (float v : values) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            mean = sum / values.length;
            // A second pass around the mean avoids the cancellation of the sum-of-squares formula.
            double squares = 0;
            for (float v : values) {
                double d = v - mean;
                squares += d * d;
            }
            std = Math.sqrt(squares / values.length);
        }
        int channels = data.shape().channels();
        int plane = data.shape().height() * data.shape().width();
        double[] channelMeans = new double[channels];
        double[] channelStds = new double[channels];
        long perChannel = (long) data.size() * plane;
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = 0; i < data.size(); i++) {
                int from = i * data.shape().size() + c * plane;
                for (int p = 0; p < plane; p++) {
                    sum += values[from + p];
                }
            }
            double channelMean = perChannel == 0 ? Double.NaN : sum / perChannel;
            double squares = 0;
            for (int i = 0; i < data.size(); i++) {
                int from = i * data.shape().size() + c * plane;
                for (int p = 0; p < plane; p++) {
                    double d = values[from + p] - channelMean;
                    squares += d * d;
                }
            }
            channelMeans[c] = channelMean;
            channelStds[c] = perChannel == 0 ? Double.NaN : Math.sqrt(squares / perChannel);
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
