package org.mltoolkit.core.run;

import java.nio.file.Path;
import org.mltoolkit.core.engine.EvaluationMetrics;

/**
 * A checkpoint's metrics on a test split.
 *
 * @param checkpoint the file evaluated
 * @param model      the model provider's name
 * @param dataset    the dataset whose test split was used
 * @param epoch      the epoch after which the checkpoint's weights were saved
 * @param test       loss, accuracy and example count on the test split
 * @param device     where the model ran
 */
public record EvaluationResult(Path checkpoint, String model, String dataset, int epoch, EvaluationMetrics test,
                               String device) {
}
