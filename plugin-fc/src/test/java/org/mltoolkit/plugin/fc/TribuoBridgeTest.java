package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Trainer;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.impl.ArrayExample;

/** The Tribuo view of a trained model: provenance, single-example predictions and LabelEvaluator figures. */
class TribuoBridgeTest {
    private static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    @Test
    void tribuoModelPredictsLikeTheToolkitModelAndRecordsItsProvenance() {
        LabeledData train = Fixtures.blobs(1024, Fixtures.MNIST_SHAPE, 0.9, 11);
        LabeledData test = Fixtures.blobs(300, Fixtures.MNIST_SHAPE, 0.9, 11);
        try (DenseClassifier model =
                        (DenseClassifier) new FcModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 4, 2));
                Trainer trainer = new BackpropTrainerProvider().create(model, Fixtures.adam())) {
            for (int b = 0; b < 1024; b += 128) {
                trainer.step(Fixtures.batch(train, b, 128));
            }
            TribuoDenseModel tribuo = TribuoDenseModel.of(
                    model,
                    CLASSES,
                    "synthetic blobs (train)",
                    1024,
                    Map.of("trainer", "backprop", "optimizer", "adam", "lr", "0.001", "batch_size", "128"));
            String provenance = tribuo.getProvenance().toString();
            assertTrue(provenance.contains("synthetic blobs (train)"), provenance);
            assertTrue(provenance.contains("optimizer"), provenance);
            assertTrue(provenance.contains("BackpropTrainer"), provenance);
            assertEquals(1024, tribuo.getProvenance().getDatasetProvenance().getNumExamples());
            assertEquals(784, tribuo.getFeatureIDMap().size());
            assertEquals(10, tribuo.getOutputIDInfo().size());

            float[] logProbs = new float[300 * 10];
            model.predictLogProbabilities(Fixtures.batch(test, 0, 300), logProbs);
            for (int i = 0; i < 20; i++) {
                ArrayExample<Label> example = new ArrayExample<>(new Label(CLASSES.get(test.labels()[i])));
                for (int j = 0; j < 784; j++) {
                    float v = test.features()[i * 784 + j];
                    if (v != 0) {
                        example.add(TribuoDenseModel.featureName(j, 784), v);
                    }
                }
                Prediction<Label> p = tribuo.predict(example);
                assertEquals(
                        CLASSES.get(Metrics.argmax(logProbs, i * 10, 10)),
                        p.getOutput().getLabel());
                for (int c = 0; c < 10; c++) {
                    double expected = Math.exp(logProbs[i * 10 + c]);
                    assertEquals(
                            expected, p.getOutputScores().get(CLASSES.get(c)).getScore(), 1e-4);
                }
            }

            LabelEvaluation evaluation = TribuoEvaluation.evaluate(model, tribuo, test, "synthetic blobs (test)");
            double accuracy = (double) Metrics.countCorrect(logProbs, test.labels(), 300, 10) / 300;
            assertEquals(accuracy, evaluation.accuracy(), 1e-12);
            double total = 0;
            for (String truth : CLASSES) {
                for (String predicted : CLASSES) {
                    total += evaluation.getConfusionMatrix().confusion(new Label(predicted), new Label(truth));
                }
            }
            assertEquals(300, total, 1e-9);
            double f1 = evaluation.f1(new Label("3"));
            assertTrue(f1 >= 0 && f1 <= 1, "F1 " + f1);
            assertTrue(evaluation.toString().contains("Accuracy"), evaluation.toString());
        }
    }

    @Test
    void linearModelReportsItsLargestWeightsAsTopFeatures() {
        try (DenseClassifier model =
                (DenseClassifier) new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 4, 1))) {
            TribuoDenseModel tribuo = TribuoDenseModel.of(model, CLASSES, "none", 0, Map.of());
            var top = tribuo.getTopFeatures(5);
            assertEquals(10, top.size());
            assertEquals(5, top.get("7").size());
            assertTrue(Math.abs(top.get("7").get(0).getB())
                    >= Math.abs(top.get("7").get(4).getB()));
        }
    }
}
