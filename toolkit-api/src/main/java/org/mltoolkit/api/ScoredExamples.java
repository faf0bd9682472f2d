package org.mltoolkit.api;

import java.util.List;
import java.util.Objects;

/**
 * A model's outputs for a labelled set, as the core computed them in evaluation mode: every example's true class
 * and its log-probabilities over all classes. The arrays are shared, not copied: callers must not mutate them.
 *
 * @param description      what the set is, for example {@code mnist test split}
 * @param classNames       one name per class, in output order
 * @param labels           each example's true class, in {@code [0, classNames.size())}
 * @param logProbabilities row-major {@code [labels.length][classNames.size()]}
 */
public record ScoredExamples(String description, List<String> classNames, int[] labels, float[] logProbabilities) {
    /** Throws IllegalArgumentException when the arrays disagree in size or a label is out of range. */
    public ScoredExamples {
        Objects.requireNonNull(description, "description");
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(logProbabilities, "logProbabilities");
        int k = classNames.size();
        if ((long) labels.length * k != logProbabilities.length) {
            throw new IllegalArgumentException(logProbabilities.length + " log-probabilities for " + labels.length
                    + " examples in " + k + " classes");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(
                        "label " + labels[i] + " of example " + i + " is outside [0, " + k + ")");
            }
        }
    }

    /** Number of examples. */
    public int size() {
        return labels.length;
    }
}
