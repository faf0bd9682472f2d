package org.mltoolkit.core.engine;

import java.util.List;
import java.util.Locale;

/**
 * Counts of (true class, predicted class) pairs over a set of examples, with the per-class precision, recall and
 * F1 derived from them. Immutable; {@link #counts()} returns a copy.
 */
public final class ConfusionMatrix {
    private final List<String> classNames;
    private final long[][] counts;

    /** Throws IllegalArgumentException if {@code counts} is not square with one row per class. */
    public ConfusionMatrix(List<String> classNames, long[][] counts) {
        this.classNames = List.copyOf(classNames);
        int k = classNames.size();
        if (counts.length != k) {
            throw new IllegalArgumentException("need " + k + " rows, got " + counts.length);
        }
        this.counts = new long[k][];
        for (int i = 0; i < k; i++) {
            if (counts[i].length != k) {
                throw new IllegalArgumentException("row " + i + " has " + counts[i].length + " columns, need " + k);
            }
            this.counts[i] = counts[i].clone();
        }
    }

    /** Tallies {@code labels[i]} against {@code predicted[i]} for the first {@code n} examples. */
    public static ConfusionMatrix of(List<String> classNames, int[] labels, int[] predicted, int n) {
        long[][] counts = new long[classNames.size()][classNames.size()];
        for (int i = 0; i < n; i++) {
            counts[labels[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(classNames, counts);
    }

    public List<String> classNames() {
        return classNames;
    }

    /** A copy of the counts: {@code counts()[trueClass][predictedClass]}. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public long count(int trueClass, int predictedClass) {
        return counts[trueClass][predictedClass];
    }

    public long total() {
        long sum = 0;
        for (long[] row : counts) {
            for (long c : row) {
                sum += c;
            }
        }
        return sum;
    }

    public double accuracy() {
        long diagonal = 0;
        for (int i = 0; i < counts.length; i++) {
            diagonal += counts[i][i];
        }
        long total = total();
        return total == 0 ? Double.NaN : (double) diagonal / total;
    }

    /** Of the examples predicted as {@code k}, the fraction that are {@code k}; NaN when none was predicted. */
    public double precision(int k) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[k];
        }
        return predicted == 0 ? Double.NaN : (double) counts[k][k] / predicted;
    }

    /** Of the examples of class {@code k}, the fraction predicted as {@code k}; NaN when the class is absent. */
    public double recall(int k) {
        long actual = 0;
        for (long c : counts[k]) {
            actual += c;
        }
        return actual == 0 ? Double.NaN : (double) counts[k][k] / actual;
    }

    /** Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined. */
    public double f1(int k) {
        double p = precision(k);
        double r = recall(k);
        if (Double.isNaN(p) || Double.isNaN(r)) {
            return Double.NaN;
        }
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /**
     * The matrix as a text table (rows: true class, columns: predicted class) followed by per-class precision,
     * recall and F1.
     */
    public String format() {
        int k = counts.length;
        int width = 5;
        for (long[] row : counts) {
            for (long c : row) {
                width = Math.max(width, Long.toString(c).length() + 1);
            }
        }
        int nameWidth = 10;
        for (String name : classNames) {
            nameWidth = Math.max(nameWidth, name.length() + 1);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", "true\\pred"));
        for (int j = 0; j < k; j++) {
            sb.append(String.format(Locale.ROOT, "%" + width + "d", j));
        }
        sb.append(String.format(Locale.ROOT, "  %9s %9s %9s%n", "precision", "recall", "f1"));
        for (int i = 0; i < k; i++) {
            sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", i + " " + classNames.get(i)));
            for (int j = 0; j < k; j++) {
                sb.append(String.format(Locale.ROOT, "%" + width + "d", counts[i][j]));
            }
            sb.append(String.format(Locale.ROOT, "  %9.4f %9.4f %9.4f%n", precision(i), recall(i), f1(i)));
        }
        return sb.toString();
    }
}
