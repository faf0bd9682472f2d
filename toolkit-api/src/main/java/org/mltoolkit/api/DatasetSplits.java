package org.mltoolkit.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset as loaded: the training split (which the core cuts into train and validation) and the test split, with
 * one name per class.
 *
 * @param name       the dataset's name
 * @param train      the training split
 * @param test       the test split
 * @param classNames one name per class, in label order
 * @param options    the options that load this same data again, with the values the provider chose filled in (a
 *                   default that depends on the data, a path made absolute); the core records them with a training
 *                   run. Empty for a dataset without options.
 * @param details    facts about where the data came from, for people ({@code data info} prints them): short keys in
 *                   snake_case, one-line values, in the order given. Empty when there is nothing to add.
 */
public record DatasetSplits(
        String name,
        LabeledData train,
        LabeledData test,
        List<String> classNames,
        PluginOptions options,
        Map<String, String> details) {
    public DatasetSplits {
        Objects.requireNonNull(name, "name");
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(options, "options");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        if (!train.shape().equals(test.shape())) {
            throw new IllegalArgumentException(
                    "train and test shapes differ: " + train.shape() + " vs " + test.shape());
        }
        if (train.numClasses() != classNames.size() || test.numClasses() != classNames.size()) {
            throw new IllegalArgumentException("class names (" + classNames.size() + ") disagree with the data's "
                    + train.numClasses() + " classes");
        }
    }

    /** A dataset without options and details. */
    public DatasetSplits(String name, LabeledData train, LabeledData test, List<String> classNames) {
        this(name, train, test, classNames, PluginOptions.empty(), Map.of());
    }
}
