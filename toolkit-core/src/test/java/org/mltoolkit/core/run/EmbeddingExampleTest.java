package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.metrics.MetricFormat;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.metrics.TrainLoss;
import org.mltoolkit.core.metrics.TrainingMetric;
import org.mltoolkit.core.metrics.ValidLoss;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;

/** The README's embedding example, compiled and run: the lines between the markers are what it quotes. */
class EmbeddingExampleTest {
    @TempDir
    Path runDir;

    // --- README metric: begin ---
    /** The largest loss of any training batch in the epoch. */
    static final class WorstBatchLoss implements TrainingMetric {
        private double worst = Double.NaN;

        @Override
        public String name() {
            return "worst_batch_loss";
        }

        @Override
        public MetricFormat format() {
            return MetricFormat.recordedOnly();
        }

        @Override
        public void reset() {
            worst = Double.NaN;
        }

        @Override
        public void update(Batch batch, StepResult step) {
            worst = Double.isNaN(worst) ? step.loss() : Math.max(worst, step.loss());
        }

        @Override
        public double compute() {
            return worst;
        }
    }
    // --- README metric: end ---

    @Test
    void theReadmeExampleTrainsEvaluatesAndReportsEachEpoch() throws IOException {
        // --- README example: begin ---
        ExtensionLookup extensions = new StaticExtensions(
                List.of(), List.of(new SoftmaxRegression.Provider()), List.of(new SoftmaxTrainer.Provider()));
        DatasetSplits data = SyntheticData.make("synthetic", 400, 100, 4, 1);

        TrainingResult result = TrainingRun.builder()
                .lookup(extensions)
                .data(data) // or .dataset("mnist").datasetLoader(...)
                .model("softmax")
                .epochs(3)
                .batchSize(32)
                .learningRate(0.05)
                .runDir(runDir)
                .metrics(MetricSet.standard().with(new WorstBatchLoss()))
                .on(
                        Event.VALIDATION_COMPLETED,
                        engine -> System.out.printf(
                                "epoch %d: valid loss %.4f%n",
                                engine.state().epoch(),
                                engine.state().lastEpoch().value(ValidLoss.NAME)))
                .build()
                .run();
        System.out.printf(
                "best epoch %d, test accuracy %.4f%n",
                result.bestEpoch(), result.test().accuracy());

        EvaluationResult evaluation = Evaluation.builder()
                .lookup(extensions)
                .checkpoint(result.bestCheckpoint())
                .data(data)
                .build()
                .run();
        // --- README example: end ---

        assertEquals(result.test().accuracy(), evaluation.test().accuracy());
        assertTrue(result.test().accuracy() > 0.9);
        for (EpochMetrics epoch : result.history()) {
            assertTrue(epoch.value("worst_batch_loss") >= epoch.value(TrainLoss.NAME), epoch.toString());
        }
        assertTrue(Files.readString(runDir.resolve("metrics.jsonl")).contains("\"worst_batch_loss\":"));
    }
}
