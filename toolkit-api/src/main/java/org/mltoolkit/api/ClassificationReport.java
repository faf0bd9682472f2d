package org.mltoolkit.api;

import java.util.List;
import java.util.Objects;

/**
 * An evaluation of a classifier on a labelled set, as a model's own evaluator computed it
 * ({@link EvaluationReporter}): accuracy, per-class scores, their micro and macro averages and the confusion
 * matrix. Precision, recall and F1 follow the evaluator's conventions for classes never predicted or absent.
 *
 * @param evaluator         who computed it, for example {@code Tribuo 4.3.2 LabelEvaluator}
 * @param accuracy          fraction of examples whose predicted class is their label
 * @param classes           one entry per class, in output order
 * @param microAverage      scores pooled over all examples (for single-label data each equals the accuracy)
 * @param macroAverage      unweighted means of the per-class scores
 * @param balancedErrorRate one minus the mean of the per-class recalls
 * @param confusion         {@code confusion[trueClass][predictedClass]} counts
 * @param text              the evaluator's own rendering of the report, for people
 */
public record ClassificationReport(
        String evaluator,
        double accuracy,
        List<ClassScores> classes,
        AverageScores microAverage,
        AverageScores macroAverage,
        double balancedErrorRate,
        long[][] confusion,
        String text) {
    /** Throws IllegalArgumentException when the confusion matrix is not square with one row per class. */
    public ClassificationReport {
        Objects.requireNonNull(evaluator, "evaluator");
        classes = List.copyOf(classes);
        Objects.requireNonNull(microAverage, "microAverage");
        Objects.requireNonNull(macroAverage, "macroAverage");
        Objects.requireNonNull(text, "text");
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            if (confusion[i].length != classes.size()) {
                throw new IllegalArgumentException("confusion row " + i + " has " + confusion[i].length
                        + " columns for " + classes.size() + " classes");
            }
            copy[i] = confusion[i].clone();
        }
        if (copy.length != classes.size()) {
            throw new IllegalArgumentException(
                    "confusion matrix has " + copy.length + " rows for " + classes.size() + " classes");
        }
        confusion = copy;
    }

    /** A copy of the counts: {@code confusion()[trueClass][predictedClass]}. */
    @Override
    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /**
     * One class's scores.
     *
     * @param name           the class name
     * @param support        examples of this class
     * @param truePositives  examples of this class predicted as it
     * @param falsePositives examples of other classes predicted as it
     * @param falseNegatives examples of this class predicted as another
     * @param precision      {@code tp / (tp + fp)}
     * @param recall         {@code tp / (tp + fn)}
     * @param f1             harmonic mean of precision and recall
     */
    public record ClassScores(
            String name,
            long support,
            long truePositives,
            long falsePositives,
            long falseNegatives,
            double precision,
            double recall,
            double f1) {}

    /**
     * Precision, recall and F1 averaged over the classes.
     *
     * @param precision averaged precision
     * @param recall    averaged recall
     * @param f1        averaged F1 (for a macro average, the mean of the per-class F1 scores)
     */
    public record AverageScores(double precision, double recall, double f1) {}
}
