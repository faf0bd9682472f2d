package org.mltoolkit.plugin.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;

class OrtTrainerTest {
    private final CnnModelProvider models = new CnnModelProvider();
    private final OrtTrainerProvider trainers = new OrtTrainerProvider();

    private static TrainerSpec adam(double lr) {
        return new TrainerSpec("adam", lr, 1, PluginOptions.empty());
    }

    @Test
    void learnsTheSyntheticTaskWithAdam() {
        assertLearns(adam(1e-2));
    }

    @Test
    void learnsTheSyntheticTaskWithSgdMomentum() {
        assertLearns(new TrainerSpec("sgd", 5e-2, 1, new PluginOptions(Map.of("momentum", "0.9"))));
    }

    private void assertLearns(TrainerSpec spec) {
        Batch heldOut = TinyData.batch(60, 1000);
        try (Model model = models.create(TinyData.spec(3, Device.CPU));
                Trainer trainer = trainers.create(model, spec)) {
            float[] logProbs = new float[60 * TinyData.CLASSES];
            model.predictLogProbabilities(heldOut, logProbs);
            double lossBefore = Metrics.sumNll(logProbs, heldOut.labels(), 60, TinyData.CLASSES) / 60;
            StepResult first = null;
            StepResult last = null;
            for (int step = 0; step < 40; step++) {
                last = trainer.step(TinyData.batch(24, step % 8));
                if (first == null) {
                    first = last;
                }
                assertTrue(Double.isFinite(last.loss()) && last.gradientNorm() > 0 && last.parameterNorm() > 0);
            }
            model.predictLogProbabilities(heldOut, logProbs);
            double lossAfter = Metrics.sumNll(logProbs, heldOut.labels(), 60, TinyData.CLASSES) / 60;
            int correct = Metrics.countCorrect(logProbs, heldOut.labels(), 60, TinyData.CLASSES);
            assertTrue(last.loss() < first.loss() * 0.5, "training loss " + first.loss() + " -> " + last.loss());
            assertTrue(lossAfter < lossBefore * 0.5, "held-out loss " + lossBefore + " -> " + lossAfter);
            assertTrue(correct >= 57, "held-out accuracy " + correct + "/60");
        }
    }

    @Test
    void stepReportsLossAndCorrectOfTheBatchBeforeTheUpdate() {
        Batch batch = TinyData.batch(12, 5);
        try (Model model = models.create(TinyData.spec(3, Device.CPU));
                Trainer trainer = trainers.create(model, adam(1e-3))) {
            double norm = model.parameterNorm();
            StepResult result = trainer.step(batch);
            assertEquals(norm, result.parameterNorm(), 1e-9);
            assertTrue(result.correct() >= 0 && result.correct() <= 12);
            assertTrue(result.loss() > 0.3 && result.loss() < 5, "loss of an untrained model " + result.loss());
            assertTrue(model.parameterNorm() != norm, "the step updates the parameters");
        }
    }

    @Test
    void optimizerAndModelStateRestoreGivesAnIdenticalNextStep() {
        for (String optimizer : new String[] {"adam", "sgd"}) {
            TrainerSpec spec = new TrainerSpec(optimizer, 1e-2, 1, PluginOptions.empty());
            try (Model a = models.create(TinyData.spec(3, Device.CPU));
                    Trainer trainerA = trainers.create(a, spec);
                    Model b = models.create(TinyData.spec(8, Device.CPU));
                    Trainer trainerB = trainers.create(b, spec)) {
                for (int i = 0; i < 3; i++) {
                    trainerA.step(TinyData.batch(16, i));
                }
                b.loadStateDict(a.stateDict());
                trainerB.loadOptimizerState(trainerA.optimizerState());
                Batch next = TinyData.batch(16, 42);
                StepResult ra = trainerA.step(next);
                StepResult rb = trainerB.step(next);
                assertEquals(ra, rb, optimizer);
                assertEquals(a.stateDict(), b.stateDict(), optimizer);
                assertEquals(trainerA.optimizerState(), trainerB.optimizerState(), optimizer);
            }
        }
    }

    /**
     * Predicting between steps makes the trainer release its arena (a two-example run of the training graph):
     * that run must not change the model, the optimizer state or the steps that follow.
     */
    @Test
    void releasingTheArenaBeforePredictionsLeavesTrainingUnchanged() {
        TrainerSpec spec = adam(1e-2);
        Batch heldOut = TinyData.batch(10, 500);
        try (Model plain = models.create(TinyData.spec(3, Device.CPU));
                Trainer plainTrainer = trainers.create(plain, spec);
                Model released = models.create(TinyData.spec(3, Device.CPU));
                Trainer releasedTrainer = trainers.create(released, spec)) {
            float[] logProbs = new float[10 * TinyData.CLASSES];
            for (int i = 0; i < 4; i++) {
                Batch batch = TinyData.batch(16, i);
                StepResult expected = plainTrainer.step(batch);
                assertEquals(expected, releasedTrainer.step(batch), "step " + i);
                Map<String, Tensor> before = released.stateDict();
                Map<String, Tensor> optimizerBefore = releasedTrainer.optimizerState();
                released.predictLogProbabilities(heldOut, logProbs);
                assertEquals(before, released.stateDict(), "state after the release at step " + i);
                assertEquals(optimizerBefore, releasedTrainer.optimizerState(), "optimizer after step " + i);
            }
            assertEquals(plain.stateDict(), released.stateDict());
            float[] expected = new float[10 * TinyData.CLASSES];
            plain.predictLogProbabilities(heldOut, expected);
            released.predictLogProbabilities(heldOut, logProbs);
            assertArrayEquals(expected, logProbs);
        }
    }

    @Test
    void badOptimizerStateIsRejectedByName() {
        try (Model model = models.create(TinyData.spec(3, Device.CPU));
                Trainer trainer = trainers.create(model, adam(1e-3))) {
            Map<String, Tensor> state = new LinkedHashMap<>(trainer.optimizerState());
            state.remove("exp_avg_sq.fc2.bias");
            ToolkitException e = assertThrows(ToolkitException.class, () -> trainer.loadOptimizerState(state));
            assertTrue(e.getMessage().contains("'exp_avg_sq.fc2.bias'"), e.getMessage());
        }
    }

    @Test
    void unknownOptimizerAndForeignModelsAreRejected() {
        try (Model model = models.create(TinyData.spec(3, Device.CPU))) {
            InvalidConfigurationException e = assertThrows(
                    InvalidConfigurationException.class,
                    () -> trainers.create(model, new TrainerSpec("lbfgs", 1e-3, 1, PluginOptions.empty())));
            assertTrue(e.getMessage().contains("lbfgs"), e.getMessage());
        }
        assertTrue(trainers.supports("cnn"));
        assertTrue(!trainers.supports("fc"));
    }

    @Test
    void lastPartialBatchAndLabelRangeAreHandled() {
        try (Model model = models.create(TinyData.spec(3, Device.CPU));
                Trainer trainer = trainers.create(model, adam(1e-3))) {
            trainer.step(TinyData.batch(16, 1));
            trainer.step(TinyData.batch(5, 2));
            trainer.step(TinyData.batch(16, 3));
            Batch bad = TinyData.batch(4, 4);
            bad.labels()[2] = 7;
            ToolkitException e = assertThrows(ToolkitException.class, () -> trainer.step(bad));
            assertTrue(e.getMessage().contains("label 7"), e.getMessage());
        }
    }
}
