package org.mltoolkit.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.LabeledData;

class BatchLoaderTest {
    private static final ExampleShape SHAPE = new ExampleShape(1, 1, 2);

    /** Example i has features (i, -i) and label i % 3, so a batch tells which examples it holds. */
    private static LabeledData data(int n) {
        float[] features = new float[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            features[2 * i] = i;
            features[2 * i + 1] = -i;
            labels[i] = i % 3;
        }
        return new LabeledData(features, labels, SHAPE, 3);
    }

    private static List<Integer> visit(BatchLoader loader, int epoch, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        Iterator<Batch> it = loader.batches(epoch);
        while (it.hasNext()) {
            Batch b = it.next();
            sizes.add(b.size());
            for (int i = 0; i < b.size(); i++) {
                int example = (int) b.features()[2 * i];
                assertEquals(-example, b.features()[2 * i + 1]);
                assertEquals(example % 3, b.labels()[i]);
                seen.add(example);
            }
        }
        return seen;
    }

    @Test
    void everyEpochVisitsEachExampleOnceWithASmallerLastBatch() {
        int[] subset = IntStream.range(0, 50).map(i -> i * 2).toArray();
        BatchLoader loader = new BatchLoader(data(100), subset, 16, true, 5, InputLayout.FLAT);
        assertEquals(4, loader.batchesPerEpoch());
        List<Integer> sizes = new ArrayList<>();
        List<Integer> seen = visit(loader, 1, sizes);
        assertEquals(List.of(16, 16, 16, 2), sizes);
        assertArrayEquals(
                subset, seen.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    @Test
    void theOrderDependsOnlyOnSeedAndEpoch() {
        int[] all = IntStream.range(0, 64).toArray();
        BatchLoader a = new BatchLoader(data(64), all, 8, true, 11, InputLayout.FLAT);
        BatchLoader b = new BatchLoader(data(64), all, 8, true, 11, InputLayout.FLAT);
        visit(a, 1, new ArrayList<>());
        assertArrayEquals(a.epochOrder(3), b.epochOrder(3), "a fresh loader reproduces epoch 3 without epochs 1-2");
        assertEquals(visit(a, 2, new ArrayList<>()), visit(b, 2, new ArrayList<>()));
        assertFalse(Arrays.equals(a.epochOrder(1), a.epochOrder(2)), "each epoch is reshuffled");
        BatchLoader other = new BatchLoader(data(64), all, 8, true, 12, InputLayout.FLAT);
        assertFalse(Arrays.equals(a.epochOrder(1), other.epochOrder(1)));
    }

    @Test
    void withoutShufflingTheGivenOrderIsKept() {
        BatchLoader loader = BatchLoader.sequential(data(10), 4, InputLayout.IMAGE);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), visit(loader, 7, new ArrayList<>()));
    }

    @Test
    void batchesReuseTheirArraysAndCarryTheModelsLayout() {
        BatchLoader loader = BatchLoader.sequential(data(10), 4, InputLayout.IMAGE);
        Iterator<Batch> it = loader.batches(1);
        Batch first = it.next();
        Batch second = it.next();
        assertSame(first.features(), second.features());
        assertSame(first.labels(), second.labels());
        assertEquals(InputLayout.IMAGE, second.layout());
        assertArrayEquals(new long[] {4, 1, 1, 2}, second.dims());
    }
}
