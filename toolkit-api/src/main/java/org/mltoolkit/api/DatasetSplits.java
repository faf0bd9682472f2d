package org.mltoolkit.api;

import java.util.List;

/**
 * A dataset as loaded: the training split (which the core cuts into train and validation) and the test
 * split, with one name per class.
 */
public record DatasetSplits(String name, LabeledData train, LabeledData test, List<String> classNames) {
    public DatasetSplits {
        classNames = List.copyOf(classNames);
        if (!train.shape().equals(test.shape())) {
            throw new IllegalArgumentException(
                    "train and test shapes differ: " + train.shape() + " vs " + test.shape());
        }
        if (train.numClasses() != classNames.size() || test.numClasses() != classNames.size()) {
            throw new IllegalArgumentException("class names (" + classNames.size() + ") disagree with the data's "
                    + train.numClasses() + " classes");
        }
    }
}
