package org.mltoolkit.plugin.fc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.ClassificationReport.AverageScores;
import org.mltoolkit.api.ClassificationReport.ClassScores;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.ScoredExamples;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelConfusionMatrix;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Evaluates the toolkit's predictions with Tribuo's {@link LabelEvaluator}: each example becomes a Tribuo
 * {@link Prediction} carrying its true label and the probabilities the toolkit computed, and Tribuo derives the
 * accuracy, the confusion matrix, per-class precision, recall and F1 and their micro and macro averages. The
 * predicted class is the most probable one, the first on ties, as the core counts it.
 */
final class TribuoEvaluation {
    private TribuoEvaluation() {}

    /**
     * Evaluates {@code examples} as predictions of {@code tribuoModel} (the Tribuo form of the toolkit model that
     * computed them, which the evaluation records). Mutates nothing it is given. Throws IllegalArgumentException
     * when the class names disagree with the model's output domain.
     */
    static ClassificationReport report(Model<Label> tribuoModel, ScoredExamples examples) {
        List<String> classNames = examples.classNames();
        int k = classNames.size();
        if (tribuoModel.getOutputIDInfo().size() != k) {
            throw new IllegalArgumentException(k + " class names for a model of "
                    + tribuoModel.getOutputIDInfo().size() + " classes");
        }
        float[] logProbabilities = examples.logProbabilities();
        List<Prediction<Label>> predictions = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Map<String, Label> scores = new LinkedHashMap<>();
            for (int c = 0; c < k; c++) {
                scores.put(classNames.get(c), new Label(classNames.get(c), Math.exp(logProbabilities[i * k + c])));
            }
            Label predicted = scores.get(classNames.get(Metrics.argmax(logProbabilities, i * k, k)));
            ArrayExample<Label> example = new ArrayExample<>(new Label(classNames.get(examples.labels()[i])));
            predictions.add(new Prediction<>(predicted, scores, 0, example, true));
        }
        LabelEvaluation evaluation = new LabelEvaluator()
                .evaluate(
                        tribuoModel,
                        predictions,
                        new SimpleDataSourceProvenance(examples.description(), TribuoDomain.LABELS));
        List<Label> order = classNames.stream().map(Label::new).toList();
        if (evaluation.getConfusionMatrix() instanceof LabelConfusionMatrix matrix) {
            matrix.setLabelOrder(order);
        }
        return toReport(evaluation, order);
    }

    private static ClassificationReport toReport(LabelEvaluation evaluation, List<Label> order) {
        var matrix = evaluation.getConfusionMatrix();
        List<ClassScores> classes = new ArrayList<>(order.size());
        long[][] confusion = new long[order.size()][order.size()];
        for (int t = 0; t < order.size(); t++) {
            Label label = order.get(t);
            classes.add(new ClassScores(
                    label.getLabel(),
                    Math.round(matrix.support(label)),
                    Math.round(matrix.tp(label)),
                    Math.round(matrix.fp(label)),
                    Math.round(matrix.fn(label)),
                    evaluation.precision(label),
                    evaluation.recall(label),
                    evaluation.f1(label)));
            for (int p = 0; p < order.size(); p++) {
                confusion[t][p] = Math.round(matrix.confusion(order.get(p), label));
            }
        }
        String text = evaluation + System.lineSeparator() + System.lineSeparator()
                + "Confusion matrix (rows: true class, columns: predicted class):" + System.lineSeparator() + matrix;
        return new ClassificationReport(
                "Tribuo " + Tribuo.VERSION + " LabelEvaluator",
                evaluation.accuracy(),
                classes,
                new AverageScores(
                        evaluation.microAveragedPrecision(),
                        evaluation.microAveragedRecall(),
                        evaluation.microAveragedF1()),
                new AverageScores(
                        evaluation.macroAveragedPrecision(),
                        evaluation.macroAveragedRecall(),
                        evaluation.macroAveragedF1()),
                evaluation.balancedErrorRate(),
                confusion,
                text);
    }
}
