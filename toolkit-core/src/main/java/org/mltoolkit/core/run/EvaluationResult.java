package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.core.data.DataFingerprint;
import org.mltoolkit.core.engine.EvaluationMetrics;
import org.mltoolkit.core.engine.Predictions;

/**
 * A checkpoint's metrics on a test split.
 *
 * @param checkpoint the file evaluated, or null for a fresh model (see {@link Evaluation.Builder#modelOptions})
 * @param model      the model provider's name
 * @param dataset    the dataset whose test split was used
 * @param epoch      the epoch after which the checkpoint's weights were saved
 * @param test       loss, accuracy and example count on the test split
 * @param device     where the model ran
 * @param predictions each test example's predicted class and confidence, and the confusion matrix
 * @param testData   the test split the predictions line up with
 * @param report     the model's own evaluation of the same predictions, when its plugin reports one
 *                   ({@link org.mltoolkit.api.EvaluationReporter}; the {@code fc} plugin's through Tribuo)
 * @param modelDescription facts about the model as built ({@link org.mltoolkit.api.Model#description()}), in
 *                   display order; empty for most models
 * @param testDigest the SHA-256 of the test split scored ({@link DataFingerprint#digest})
 * @param trainedTestDigest the digest of the test split the checkpoint's run recorded, or null when it recorded none
 *                   (an older checkpoint, a fresh model)
 */
public record EvaluationResult(
        Path checkpoint,
        String model,
        String dataset,
        int epoch,
        EvaluationMetrics test,
        String device,
        Predictions predictions,
        LabeledData testData,
        Optional<ClassificationReport> report,

        Map<String, String> modelDescription,
        String testDigest,
        String trainedTestDigest) {
    public EvaluationResult {
        modelDescription = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(modelDescription));
    }

    /**
     * Whether the test split scored is the one the checkpoint's run recorded: empty when the checkpoint recorded
     * none.
     */
    public Optional<Boolean> sameTestDataAsTraining() {
        return trainedTestDigest == null ? Optional.empty() : Optional.of(trainedTestDigest.equals(testDigest));
    }
}
