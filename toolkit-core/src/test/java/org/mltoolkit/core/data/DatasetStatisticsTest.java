package org.mltoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;

class DatasetStatisticsTest {
    private static final ExampleShape SHAPE = new ExampleShape(1, 1, 2);

    @Test
    void countsHistogramMeanAndPopulationStandardDeviationPerSplit() {
        LabeledData train =
                new LabeledData(new float[] {0f, 0.5f, 1f, 0.5f, 0.25f, 0.75f}, new int[] {0, 2, 2}, SHAPE, 3);
        LabeledData test = new LabeledData(new float[] {1f, 1f}, new int[] {1}, SHAPE, 3);
        DatasetStatistics stats = DatasetStatistics.of(new DatasetSplits("toy", train, test, List.of("a", "b", "c")));

        assertEquals("toy", stats.dataset());
        assertEquals(SHAPE, stats.shape());
        assertEquals(List.of("a", "b", "c"), stats.classNames());

        SplitStatistics t = stats.train();
        assertEquals("train", t.split());
        assertEquals(3, t.examples());
        assertEquals(List.of(1, 0, 2), t.classCounts());
        assertEquals(0.5, t.pixelMean(), 1e-12);
        // Deviations from 0.5: -0.5, 0, 0.5, 0, -0.25, 0.25 -> squares sum to 0.625 over 6 values.
        assertEquals(Math.sqrt(0.625 / 6), t.pixelStd(), 1e-12);
        assertEquals(0.0, t.pixelMin());
        assertEquals(1.0, t.pixelMax());

        SplitStatistics s = stats.test();
        assertEquals("test", s.split());
        assertEquals(1, s.examples());
        assertEquals(List.of(0, 1, 0), s.classCounts());
        assertEquals(1.0, s.pixelMean(), 1e-12);
        assertEquals(0.0, s.pixelStd(), 1e-12);
        assertEquals(List.of(t, s), stats.splits());
    }

    @Test
    void meanAndStdStayAccurateForManyValuesFarFromZero() {
        int n = 1_000_000;
        float[] values = new float[n];
        int[] labels = new int[n / 2];
        for (int i = 0; i < n; i++) {
            values[i] = 1000f + (i % 2 == 0 ? 0.001f : -0.001f);
        }
        SplitStatistics stats = SplitStatistics.of("train", new LabeledData(values, labels, SHAPE, 2));
        double expectedDeviation = Math.abs((double) (1000f + 0.001f) - (double) (1000f - 0.001f)) / 2;
        assertEquals(expectedDeviation, stats.pixelStd(), 1e-9);
    }

    @Test
    void eachChannelHasItsOwnMeanAndStandardDeviation() {
        // Two 3-channel 1x2 examples: red (1, 1), green (0, 0.5), blue (0.25, 0.25), then red (1, 1) again.
        ExampleShape colour = new ExampleShape(3, 1, 2);
        float[] values = {1f, 1f, 0f, 0.5f, 0.25f, 0.25f, 1f, 1f, 0f, 0.5f, 0.25f, 0.25f};
        SplitStatistics stats = SplitStatistics.of("train", new LabeledData(values, new int[] {0, 1}, colour, 2));
        assertEquals(List.of(1.0, 0.25, 0.25), stats.channelMeans());
        assertEquals(0.0, stats.channelStds().get(0), 1e-12);
        assertEquals(0.25, stats.channelStds().get(1), 1e-12);
        assertEquals(0.0, stats.channelStds().get(2), 1e-12);
        SplitStatistics grey =
                SplitStatistics.of("grey", new LabeledData(new float[] {0.25f, 0.75f}, new int[] {0}, SHAPE, 2));
        assertEquals(List.of(grey.pixelMean()), grey.channelMeans());
        assertEquals(List.of(grey.pixelStd()), grey.channelStds());
    }

    @Test
    void anEmptySplitHasNoPixelStatistics() {
        SplitStatistics empty = SplitStatistics.of("test", new LabeledData(new float[0], new int[0], SHAPE, 2));
        assertEquals(0, empty.examples());
        assertEquals(List.of(0, 0), empty.classCounts());
        assertTrue(Double.isNaN(empty.pixelMean()));
        assertTrue(Double.isNaN(empty.pixelStd()));
    }
}
