package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.ClassificationReport.ClassScores;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.ScoredExamples;

/**
 * The model's own report goes through Tribuo's LabelEvaluator and gives the numbers a plain tally of the same
 * predictions gives: counts, accuracy, per-class precision, recall and F1, their averages.
 */
class TribuoEvaluationTest {

    @Test
    void fcReportAgreesWithATallyOfItsPredictions() {
        checkReport(new FcModelProvider(), BackpropTrainerProvider.NAME);
    }

    @Test
    void linearReportAgreesWithATallyOfItsPredictions() {
        checkReport(new LinearModelProvider(), TribuoLinearTrainerProvider.NAME);
    }

    private static void checkReport(org.mltoolkit.api.ModelProvider provider, String trainer) {
        // Few steps on noisy data: the model makes mistakes (the fc network, its BatchNorm statistics barely
        // updated, predicts few classes), so that off-diagonal counts and never-predicted classes are exercised.
        LabeledData data = Fixtures.blobs(700, Fixtures.MNIST_SHAPE, 1.4, 41);
        try (DenseClassifier model = TribuoFixtures.trained(provider, trainer, data)) {
            int n = data.size();
            float[] logProbabilities = TribuoFixtures.logProbabilities(model, data, n);
            ClassificationReport report = model.evaluationReport(
                    new ScoredExamples("blobs test split", TribuoFixtures.CLASSES, data.labels(), logProbabilities));

            long[][] counts = new long[10][10];
            long correct = 0;
            for (int i = 0; i < n; i++) {
                int predicted = Metrics.argmax(logProbabilities, i * 10, 10);
                counts[data.labels()[i]][predicted]++;
                correct += predicted == data.labels()[i] ? 1 : 0;
            }
            assertTrue(correct > 0 && correct < n, "a model that is right sometimes: " + correct + " of " + n);
            assertTrue(report.evaluator().startsWith("Tribuo 4.3.2 LabelEvaluator"), report.evaluator());
            assertArrayEquals(counts, report.confusion());
            assertEquals((double) correct / n, report.accuracy(), 1e-12);
            double precisionSum = 0;
            double recallSum = 0;
            double f1Sum = 0;
            for (int c = 0; c < 10; c++) {
                ClassScores scores = report.classes().get(c);
                long tp = counts[c][c];
                long support = 0;
                long predicted = 0;
                for (int k = 0; k < 10; k++) {
                    support += counts[c][k];
                    predicted += counts[k][c];
                }
                // Tribuo scores a class never predicted (or absent) 0, not NaN.
                double precision = predicted == 0 ? 0 : (double) tp / predicted;
                double recall = support == 0 ? 0 : (double) tp / support;
                double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
                assertEquals(TribuoFixtures.CLASSES.get(c), scores.name());
                assertEquals(support, scores.support(), "support of class " + c);
                assertEquals(tp, scores.truePositives(), "tp of class " + c);
                assertEquals(predicted - tp, scores.falsePositives(), "fp of class " + c);
                assertEquals(support - tp, scores.falseNegatives(), "fn of class " + c);
                assertEquals(precision, scores.precision(), 1e-12, "precision of class " + c);
                assertEquals(recall, scores.recall(), 1e-12, "recall of class " + c);
                assertEquals(f1, scores.f1(), 1e-12, "f1 of class " + c);
                precisionSum += precision;
                recallSum += recall;
                f1Sum += f1;
            }
            assertEquals(precisionSum / 10, report.macroAverage().precision(), 1e-12);
            assertEquals(recallSum / 10, report.macroAverage().recall(), 1e-12);
            assertEquals(f1Sum / 10, report.macroAverage().f1(), 1e-12);
            assertEquals(report.accuracy(), report.microAverage().precision(), 1e-12);
            assertEquals(report.accuracy(), report.microAverage().recall(), 1e-12);
            assertEquals(report.accuracy(), report.microAverage().f1(), 1e-12);
            assertEquals(1 - recallSum / 10, report.balancedErrorRate(), 1e-12);
            assertTrue(report.text().contains("Macro Average"), report.text());
            // Tribuo's table lists the classes in the dataset's order, not alphabetically.
            assertTrue(report.text().indexOf("zero") < report.text().indexOf("one"), report.text());
        }
    }

    @Test
    void classNamesThatDisagreeWithTheModelAreRefused() {
        try (DenseClassifier model =
                (DenseClassifier) new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 3, 1))) {
            ScoredExamples threeClasses =
                    new ScoredExamples("three", List.of("a", "b", "c"), new int[] {0}, new float[] {0, 0, 0});
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> model.evaluationReport(threeClasses));
            assertEquals("3 class names for model linear of 10 classes", e.getMessage());
        }
    }
}
