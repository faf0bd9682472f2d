package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ClassificationReport;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.ScoredExamples;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.CheckpointFormatException;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.ReportingSoftmax;
import org.mltoolkit.core.testing.Scripted;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;
import org.mltoolkit.core.testing.TestExtensions;

class EvaluationTest {
    @TempDir
    Path dir;

    private TrainingResult train() {
        return TrainingRunTest.softmax(dir.resolve("run")).build().run();
    }

    @Test
    void evaluatingTheBestCheckpointReproducesTheRunsTestMetrics() {
        TrainingResult run = train();
        EvaluationResult evaluation = Evaluation.builder()
                .lookup(TestExtensions.create())
                .checkpoint(run.bestCheckpoint())
                .data(TrainingRunTest.DATA)
                .build()
                .run();
        assertEquals(run.test().accuracy(), evaluation.test().accuracy());
        assertEquals(run.test().loss(), evaluation.test().loss());
        assertEquals(100, evaluation.test().examples());
        assertEquals("softmax", evaluation.model());
        assertEquals("synthetic", evaluation.dataset());
        assertEquals(run.bestEpoch(), evaluation.epoch());
    }

    @Test
    void aModelThatReportsItsOwnEvaluationGetsTheCorePredictionsAndItsReportIsKept() {
        TrainingResult run = TrainingRunTest.softmax(dir.resolve("reporting"))
                .model(ReportingSoftmax.NAME)
                .build()
                .run();
        EvaluationResult evaluation = Evaluation.builder()
                .lookup(TestExtensions.create())
                .checkpoint(run.bestCheckpoint())
                .data(TrainingRunTest.DATA)
                .build()
                .run();
        ScoredExamples scored = ReportingSoftmax.lastScored();
        assertEquals("synthetic test split", scored.description());
        assertEquals(TrainingRunTest.DATA.classNames(), scored.classNames());
        assertArrayEquals(TrainingRunTest.DATA.test().labels(), scored.labels());
        int k = scored.classNames().size();
        for (int i = 0; i < scored.size(); i++) {
            assertEquals(evaluation.predictions().predicted()[i], Metrics.argmax(scored.logProbabilities(), i * k, k));
        }
        ClassificationReport report = evaluation.report().orElseThrow();
        assertEquals("tally", report.evaluator());
        assertArrayEquals(evaluation.predictions().confusion().counts(), report.confusion());
        assertEquals(evaluation.test().accuracy(), report.accuracy(), 1e-12);

        EvaluationResult plain = Evaluation.builder()
                .lookup(TestExtensions.create())
                .checkpoint(train().bestCheckpoint())
                .data(TrainingRunTest.DATA)
                .build()
                .run();
        assertTrue(plain.report().isEmpty(), "a model without its own report has none");
    }

    @Test
    void aCheckpointGivenAsAnotherModelIsRefusedInOneLine() {
        TrainingResult run = train();
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> Evaluation.builder()
                        .lookup(TestExtensions.create())
                        .checkpoint(run.bestCheckpoint())
                        .model(Scripted.MODEL)
                        .data(TrainingRunTest.DATA)
                        .build());
        assertEquals(run.bestCheckpoint() + ": holds a 'softmax' model, not 'scripted'", e.getMessage());
    }

    @Test
    void aProviderThatRejectsTheWeightsGetsOneLineNamingTheCheckpoint() {
        TrainingResult run = train();
        // A different model registered under the checkpoint's model name.
        ModelProvider impostor = new ModelProvider() {
            @Override
            public String name() {
                return "softmax";
            }

            @Override
            public String description() {
                return "not the softmax that wrote the checkpoint";
            }

            @Override
            public InputLayout inputLayout() {
                return InputLayout.IMAGE;
            }

            @Override
            public String defaultTrainer() {
                return Scripted.TRAINER;
            }

            @Override
            public Model create(ModelSpec spec) {
                return new Scripted.ModelProviderImpl().create(spec);
            }
        };
        StaticExtensions lookup = new StaticExtensions(List.of(), List.of(impostor), List.of());
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> Evaluation.builder()
                        .lookup(lookup)
                        .checkpoint(run.bestCheckpoint())
                        .data(TrainingRunTest.DATA)
                        .build()
                        .run());
        assertTrue(
                e.getMessage()
                        .startsWith(run.bestCheckpoint() + ": the model 'scripted' rejects this checkpoint's"
                                + " weights: "),
                e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
    }

    @Test
    void aTruncatedCheckpointIsReportedBeforeAnythingElse() throws IOException {
        TrainingResult run = train();
        Path cut = dir.resolve("cut.ckpt");
        byte[] bytes = Files.readAllBytes(run.bestCheckpoint());
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 20));
        CheckpointFormatException e = assertThrows(
                CheckpointFormatException.class,
                () -> Evaluation.builder()
                        .lookup(TestExtensions.create())
                        .checkpoint(cut)
                        .data(TrainingRunTest.DATA)
                        .build());
        assertTrue(e.getMessage().startsWith(cut + ": truncated checkpoint"), e.getMessage());
    }

    @Test
    void aDatasetOfAnotherShapeIsRefused() {
        TrainingResult run = train();
        var other = new org.mltoolkit.api.DatasetSplits(
                "other",
                SyntheticData.make("x", 10, 10, 3, 1).train(),
                SyntheticData.make("x", 10, 10, 3, 1).test(),
                List.of("a", "b", "c"));
        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> Evaluation.builder()
                        .lookup(new StaticExtensions(
                                List.of(),
                                List.of(new SoftmaxRegression.Provider()),
                                List.of(new SoftmaxTrainer.Provider())))
                        .checkpoint(run.bestCheckpoint())
                        .data(other)
                        .build()
                        .run());
        assertTrue(e.getMessage().contains("4 classes") && e.getMessage().contains("'other'"), e.getMessage());
    }
}
