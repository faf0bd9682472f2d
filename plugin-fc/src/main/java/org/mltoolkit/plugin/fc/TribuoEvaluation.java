package org.mltoolkit.plugin.fc;

import java.util.ArrayList;
import java.util.List;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.LabeledData;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Evaluates a dense classifier with Tribuo's {@link LabelEvaluator}: accuracy, the confusion matrix and per-class
 * precision, recall and F1 ({@code evaluation.toString()} prints them as a table,
 * {@code evaluation.getConfusionMatrix()} gives the matrix).
 */
public final class TribuoEvaluation {
    private static final int BATCH = 1000;

    private TribuoEvaluation() {}

    /**
     * Predicts every example of {@code data} with {@code model} (batched, evaluation mode) and evaluates the
     * predictions against the labels. Mutates neither the model nor the data.
     *
     * @param model       the classifier that predicts
     * @param tribuoModel the same classifier as a Tribuo model (see {@link TribuoDenseModel#of}), which the
     *                    evaluation records as the model evaluated
     * @param data        examples to evaluate, for example the test split
     * @param description what {@code data} is, for the evaluation's provenance
     */
    public static LabelEvaluation evaluate(
            DenseClassifier model, TribuoDenseModel tribuoModel, LabeledData data, String description) {
        int d = data.shape().size();
        int k = model.network().classCount();
        List<String> classNames = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            classNames.add(tribuoModel.className(c));
        }
        float[] features = new float[BATCH * d];
        int[] labels = new int[BATCH];
        float[] logProbs = new float[BATCH * k];
        double[] row = new double[k];
        List<Prediction<Label>> predictions = new ArrayList<>(data.size());
        for (int start = 0; start < data.size(); start += BATCH) {
            int size = Math.min(BATCH, data.size() - start);
            System.arraycopy(data.features(), start * d, features, 0, size * d);
            System.arraycopy(data.labels(), start, labels, 0, size);
            model.predictLogProbabilities(new Batch(features, labels, size, data.shape(), InputLayout.FLAT), logProbs);
            for (int i = 0; i < size; i++) {
                ArrayExample<Label> example = new ArrayExample<>(new Label(classNames.get(labels[i])));
                int offset = i * d;
                int used = 0;
                for (int j = 0; j < d; j++) {
                    float v = features[offset + j];
                    if (v != 0f) {
                        example.add(TribuoDenseModel.featureName(j, d), v);
                        used++;
                    }
                }
                for (int c = 0; c < k; c++) {
                    row[c] = logProbs[i * k + c];
                }
                predictions.add(tribuoModel.toPrediction(row, used, example));
            }
        }
        return new LabelEvaluator()
                .evaluate(tribuoModel, predictions, new SimpleDataSourceProvenance(description, new LabelFactory()));
    }
}
