package org.mltoolkit.core.engine;

import java.util.Arrays;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.LabeledData;

/**
 * The reference's train/validation split: a seeded permutation of a dataset's training examples, optionally
 * cut to its first {@code limit} entries, divided so that {@code floor(n * trainRatio)} examples train and the
 * rest validate. Holds indices into the data; nothing is copied.
 *
 * @param train indices of the training examples, in permutation order
 * @param valid indices of the validation examples, in permutation order
 */
public record DataSplit(int[] train, int[] valid) {

    /**
     * Splits the training examples of {@code data}. {@code limit <= 0} means every example. Throws
     * InvalidConfigurationException if the ratio is outside (0, 1) or a part would be empty.
     */
    public static DataSplit of(LabeledData data, double trainRatio, long seed, int limit) {
        return of(data.size(), trainRatio, seed, limit);
    }

    /** As {@link #of(LabeledData, double, long, int)} for a set of {@code size} examples. */
    public static DataSplit of(int size, double trainRatio, long seed, int limit) {
        if (!(trainRatio > 0 && trainRatio < 1)) {
            throw new InvalidConfigurationException("trainRatio", trainRatio, "must lie strictly between 0 and 1");
        }
        if (limit < 0) {
            throw new InvalidConfigurationException("limit", limit, "must be 0 (no limit) or positive");
        }
        int[] permutation = new int[size];
        Arrays.setAll(permutation, i -> i);
        Seeds.shuffle(permutation, Seeds.derive(seed, 0));
        int used = limit > 0 ? Math.min(limit, size) : size;
        // A tiny epsilon keeps 0.7 * 10 from landing on 6 through binary rounding.
        int trainCount = (int) Math.floor(used * trainRatio + 1e-9);
        if (trainCount < 1 || trainCount >= used) {
            throw new InvalidConfigurationException(
                    limit > 0 ? "limit" : "trainRatio",
                    limit > 0 ? (Object) limit : (Object) trainRatio,
                    "leaves " + trainCount + " training and " + (used - trainCount)
                            + " validation examples; both need at least one");
        }
        return new DataSplit(
                Arrays.copyOfRange(permutation, 0, trainCount), Arrays.copyOfRange(permutation, trainCount, used));
    }
}
