package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.InvalidConfigurationException;

class DataSplitTest {

    @Test
    void mnistSizedSplitIs48000By12000AndCoversEveryExampleOnce() {
        DataSplit split = DataSplit.of(60_000, 0.8, 42, 0);
        assertEquals(48_000, split.train().length);
        assertEquals(12_000, split.valid().length);
        int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.valid()))
                .sorted()
                .toArray();
        assertArrayEquals(IntStream.range(0, 60_000).toArray(), all);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        DataSplit a = DataSplit.of(1000, 0.8, 7, 0);
        DataSplit b = DataSplit.of(1000, 0.8, 7, 0);
        DataSplit c = DataSplit.of(1000, 0.8, 8, 0);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.valid(), b.valid());
        assertFalse(Arrays.equals(a.train(), c.train()));
    }

    @Test
    void theSplitIsShuffledNotTheFirstIndices() {
        DataSplit split = DataSplit.of(1000, 0.8, 1, 0);
        assertFalse(Arrays.equals(IntStream.range(0, 800).toArray(), split.train()));
    }

    @Test
    void aLimitKeepsTheFirstShuffledExamplesThenSplitsThem() {
        DataSplit full = DataSplit.of(1000, 0.5, 3, 0);
        DataSplit limited = DataSplit.of(1000, 0.8, 3, 100);
        assertEquals(80, limited.train().length);
        assertEquals(20, limited.valid().length);
        int[] permutationStart = Arrays.copyOf(full.train(), 100);
        int[] limitedOrder = IntStream.concat(Arrays.stream(limited.train()), Arrays.stream(limited.valid()))
                .toArray();
        assertArrayEquals(permutationStart, limitedOrder);
    }

    @Test
    void ratiosThatRoundAwkwardlyStillFloorAsExpected() {
        assertEquals(7, DataSplit.of(10, 0.7, 1, 0).train().length);
        assertEquals(29, DataSplit.of(100, 0.29, 1, 0).train().length);
    }

    @Test
    void badRatiosAndTooSmallLimitsAreRefusedWithTheValue() {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> DataSplit.of(100, 1.5, 1, 0));
        assertEquals("trainRatio", e.getSetting());
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(InvalidConfigurationException.class, () -> DataSplit.of(100, 0.0, 1, 0));
        InvalidConfigurationException tiny =
                assertThrows(InvalidConfigurationException.class, () -> DataSplit.of(100, 0.8, 1, 1));
        assertEquals("limit", tiny.getSetting());
    }
}
