package org.mltoolkit.core.data;

import java.util.List;
import java.util.Objects;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ExampleShape;

/**
 * What a loaded dataset holds: its shape and classes, and per split the number of examples, the class histogram
 * and the pixel mean and standard deviation.
 *
 * @param dataset    the dataset's name
 * @param shape      the shape of one example
 * @param classNames one name per class, in label order
 * @param train      the training split
 * @param test       the test split
 */
public record DatasetStatistics(
        String dataset, ExampleShape shape, List<String> classNames, SplitStatistics train, SplitStatistics test) {
    public DatasetStatistics {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        classNames = List.copyOf(classNames);
    }

    /** Computes the statistics of both splits; does not mutate the data. */
    public static DatasetStatistics of(DatasetSplits splits) {
        return new DatasetStatistics(
                splits.name(),
                splits.train().shape(),
                splits.classNames(),
                SplitStatistics.of("train", splits.train()),
                SplitStatistics.of("test", splits.test()));
    }

    /** Both splits, training first. */
    public List<SplitStatistics> splits() {
        return List.of(train, test);
    }
}
