package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.engine.Augmentation;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.engine.NonFiniteLossException;
import org.mltoolkit.core.metrics.ExactMean;
import org.mltoolkit.core.metrics.LearningRate;
import org.mltoolkit.core.metrics.MetricFormat;
import org.mltoolkit.core.metrics.MetricSet;
import org.mltoolkit.core.metrics.TrainImagesPerSecond;
import org.mltoolkit.core.metrics.TrainSeconds;
import org.mltoolkit.core.metrics.ValidAccuracy;
import org.mltoolkit.core.metrics.ValidLoss;
import org.mltoolkit.core.metrics.ValidSeconds;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.PluginStatus;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.plugins.UnknownExtensionException;
import org.mltoolkit.core.testing.Checkpoints;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.Scripted;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;
import org.mltoolkit.core.testing.TestExtensions;

class TrainingRunTest {
    /** 400 training examples: 320 train and 80 validate, 10 batches of 32 per epoch. */
    static final DatasetSplits DATA = SyntheticData.make("synthetic", 400, 100, 4, 1);

    static final int STEPS_PER_EPOCH = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static TrainingRunBuilder softmax(Path runDir) {
        return TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .model("softmax")
                .batchSize(32)
                .epochs(3)
                .learningRate(0.05)
                .seed(7)
                .runDir(runDir);
    }

    static TrainingRunBuilder scripted(Path runDir, String validLosses, Consumer<Map<String, String>> more) {
        Map<String, String> options = new LinkedHashMap<>(Scripted.options(STEPS_PER_EPOCH, validLosses));
        more.accept(options);
        return TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .model(Scripted.MODEL)
                .modelOptions(options)
                .batchSize(32)
                .epochs(validLosses.split(",").length)
                .runDir(runDir);
    }

    @Test
    void aRunLearnsTheSyntheticDataAndWritesItsRunDirectory() throws IOException {
        Path runDir = dir.resolve("run");
        TrainingResult result = softmax(runDir).build().run();

        assertEquals(3, result.epochsRun());
        assertTrue(
                result.test().accuracy() > 0.9, "test accuracy " + result.test().accuracy());
        assertEquals(100, result.test().examples());
        assertEquals("cpu", result.device());
        assertNull(result.stopReason());

        TrainingConfig config = TrainingConfig.fromJson(Files.readString(runDir.resolve("config.json")));
        assertEquals("softmax", config.model());
        assertEquals(SoftmaxTrainer.NAME, config.trainer());
        assertEquals(32, config.batchSize());
        assertEquals(0.8, config.trainRatio());

        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        for (int i = 0; i < 3; i++) {
            JsonNode row = JSON.readTree(lines.get(i));
            assertEquals(i + 1, row.get("epoch").asInt());
            for (String key : List.of(
                    "train_loss",
                    "train_accuracy",
                    "param_norm",
                    "grad_norm",
                    "valid_loss",
                    "valid_accuracy",
                    "lr",
                    "seconds",
                    "valid_seconds",
                    "train_images_per_second")) {
                assertTrue(row.get(key).isNumber(), key + " in " + lines.get(i));
            }
            assertEquals(
                    result.history().get(i).value(ValidLoss.NAME),
                    row.get("valid_loss").asDouble());
        }

        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        assertEquals("synthetic", summary.get("dataset").asText());
        assertEquals("softmax", summary.get("model").asText());
        assertEquals(SoftmaxTrainer.NAME, summary.get("trainer").asText());
        assertEquals(3, summary.get("epochs_run").asInt());
        assertEquals(result.bestEpoch(), summary.get("best_epoch").asInt());
        assertEquals(result.bestValidLoss(), summary.get("best_valid_loss").asDouble());
        assertEquals(result.test().loss(), summary.get("test_loss").asDouble());
        assertEquals(result.test().accuracy(), summary.get("test_accuracy").asDouble());
        assertTrue(summary.get("train_seconds").asDouble() > 0);
        assertTrue(summary.get("train_images_per_second").asDouble() > 0);
        assertEquals("cpu", summary.get("device").asText());

        Checkpoint best = CheckpointFile.read(runDir.resolve("best.ckpt"));
        Checkpoint last = CheckpointFile.read(runDir.resolve("last.ckpt"));
        assertEquals(result.bestEpoch(), best.epoch());
        assertEquals(3, last.epoch());
        assertEquals(result.bestWeights(), best.modelState());
        assertEquals(
                Set5.of("step", "m.weight", "v.weight", "m.bias", "v.bias"),
                last.optimizerState().keySet());
        assertEquals(config, TrainingConfig.fromJson(last.configJson()));
        try (Stream<Path> files = Files.list(runDir)) {
            assertEquals(
                    List.of(
                            RunLock.FILE_NAME,
                            "best.ckpt",
                            "config.json",
                            "last.ckpt",
                            "metrics.jsonl",
                            "summary.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aMetricGivenToTheRunIsRecordedInMetricsJsonlAndTheCheckpointsAndSurvivesAResume() throws IOException {
        Path runDir = dir.resolve("more");
        softmax(runDir)
                .epochs(2)
                .metrics(MetricSet.standard().with(new ValidTop2()))
                .build()
                .run();
        Checkpoint last = CheckpointFile.read(runDir.resolve("last.ckpt"));
        for (EpochMetrics m : last.history()) {
            assertTrue(m.value("valid_top2_accuracy") >= m.value(ValidAccuracy.NAME), m.toString());
            assertTrue(m.value(TrainImagesPerSecond.NAME) > 0, m.toString());
        }
        TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(runDir.resolve("last.ckpt"))
                .epochs(3)
                .build()
                .run();
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).contains("\"valid_top2_accuracy\":"), lines.get(1));
        assertFalse(lines.get(2).contains("valid_top2_accuracy"), "the resumed run records the standard metrics");
        assertTrue(
                lines.get(2)
                        .endsWith(",\"train_images_per_second\":"
                                + JSON.readTree(lines.get(2))
                                        .get("train_images_per_second")
                                        .asText() + "}"),
                lines.get(2));
    }

    /** The fraction of examples whose label is among the two most probable classes: a metric in a few lines. */
    static final class ValidTop2 extends ExactMean {
        ValidTop2() {
            super("valid_top2_accuracy", MetricFormat.recordedOnly());
        }

        @Override
        protected double sumOf(org.mltoolkit.api.Batch batch, float[] logp, int k) {
            int hits = 0;
            for (int i = 0; i < batch.size(); i++) {
                float own = logp[i * k + batch.labels()[i]];
                int above = 0;
                for (int j = 0; j < k; j++) {
                    above += logp[i * k + j] > own ? 1 : 0;
                }
                hits += above < 2 ? 1 : 0;
            }
            return hits;
        }
    }

    /** Set.of for readability in assertions. */
    private static final class Set5 {
        static java.util.Set<String> of(String... names) {
            return java.util.Set.of(names);
        }
    }

    @Test
    void resumingTwoEpochsToThreeEqualsThreeStraightEpochsBitForBit() {
        // A constant rate: a schedule over the total re-plans itself when a resume raises the total.
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        TrainingResult a =
                softmax(straight).lrSchedule("none").epochs(3).build().run();
        TrainingResult first =
                softmax(interrupted).lrSchedule("none").epochs(2).build().run();
        assertEquals(2, first.epochsRun());
        TrainingResult b = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(interrupted.resolve("last.ckpt"))
                .epochs(3)
                .build()
                .run();

        assertEquals(interrupted, b.runDirectory(), "a resumed run continues in the checkpoint's directory");
        assertEquals(3, b.epochsRun());
        Checkpoint lastA = CheckpointFile.read(straight.resolve("last.ckpt"));
        Checkpoint lastB = CheckpointFile.read(interrupted.resolve("last.ckpt"));
        assertEquals(lastA.modelState(), lastB.modelState());
        assertEquals(lastA.optimizerState(), lastB.optimizerState());
        assertEquals(lastA.bestModelState(), lastB.bestModelState());
        assertEquals(withoutTimings(a.history()), withoutTimings(b.history()));
        assertEquals(a.bestEpoch(), b.bestEpoch());
        assertEquals(a.bestWeights(), b.bestWeights());
        assertEquals(
                a.test(),
                new org.mltoolkit.core.engine.EvaluationMetrics(
                        b.test().loss(),
                        b.test().accuracy(),
                        b.test().examples(),
                        a.test().seconds()));
        assertEquals(
                CheckpointFile.read(straight.resolve("best.ckpt")).modelState(),
                CheckpointFile.read(interrupted.resolve("best.ckpt")).modelState());
        assertEquals(
                3,
                CheckpointFile.read(interrupted.resolve("last.ckpt")).history().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "elastic=34"})
    void anAugmentedRunResumedAfterTwoEpochsEqualsThreeStraightEpochsBitForBit(String augment) throws IOException {
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        Path plain = dir.resolve("plain");
        String spec = Augmentation.parse(augment).spec();
        TrainingResult a = softmax(straight).augment(augment).epochs(3).build().run();
        softmax(interrupted)
                .augment(augment)
                .epochs(3)
                .on(Event.VALIDATION_COMPLETED, e -> {
                    if (e.state().epoch() == 2) {
                        e.terminate("stopped as if killed");
                    }
                })
                .build()
                .run();
        assertEquals(2, CheckpointFile.read(interrupted.resolve("last.ckpt")).epoch());
        TrainingResult b = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(interrupted.resolve("last.ckpt"))
                .build()
                .run();
        TrainingResult c = softmax(plain).epochs(3).build().run();

        Checkpoint lastA = CheckpointFile.read(straight.resolve("last.ckpt"));
        Checkpoint lastB = CheckpointFile.read(interrupted.resolve("last.ckpt"));
        assertEquals(lastA.modelState(), lastB.modelState());
        assertEquals(lastA.optimizerState(), lastB.optimizerState());
        assertEquals(withoutTimings(a.history()), withoutTimings(b.history()));
        assertNotEquals(a.bestWeights(), c.bestWeights(), "augmentation changes what the model sees");
        assertEquals(
                spec,
                JSON.readTree(straight.resolve("config.json").toFile())
                        .get("augment")
                        .asText());
        assertEquals(
                spec,
                TrainingConfig.fromJson(lastB.configJson()).augment(),
                "the checkpoint keeps the augmentation for a resume");
        assertEquals(
                "none",
                TrainingConfig.fromJson(
                                CheckpointFile.read(plain.resolve("last.ckpt")).configJson())
                        .augment());
    }

    @Test
    void aResumeThatChangesTheAugmentationIsRefused() {
        Path run = dir.resolve("run");
        softmax(run).augment("rotate=5").epochs(1).build().run();
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(DATA)
                        .resumeFrom(run.resolve("last.ckpt"))
                        .augment("none")
                        .epochs(2)
                        .build());
        assertEquals("augment", e.getSetting());
        assertTrue(e.getMessage().contains("differs from rotate=5,shift=2,scale=0.9:1.1"), e.getMessage());
        TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(run.resolve("last.ckpt"))
                .augment("rotate=5,shift=2,scale=0.9:1.1")
                .epochs(2)
                .build();
    }

    @Test
    void aCosineRunStoppedAfterTwoOfThreeEpochsAndResumedEqualsTheStraightRunBitForBit() {
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        TrainingResult a =
                softmax(straight).lrSchedule("cosine").epochs(3).build().run();
        softmax(interrupted)
                .lrSchedule("cosine")
                .epochs(3)
                .on(Event.VALIDATION_COMPLETED, e -> {
                    if (e.state().epoch() == 2) {
                        e.terminate("stopped as if killed");
                    }
                })
                .build()
                .run();
        assertEquals(2, CheckpointFile.read(interrupted.resolve("last.ckpt")).epoch());
        TrainingResult b = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(interrupted.resolve("last.ckpt"))
                .build()
                .run();

        assertEquals(3, b.epochsRun());
        Checkpoint lastA = CheckpointFile.read(straight.resolve("last.ckpt"));
        Checkpoint lastB = CheckpointFile.read(interrupted.resolve("last.ckpt"));
        assertEquals(lastA.modelState(), lastB.modelState());
        assertEquals(lastA.optimizerState(), lastB.optimizerState());
        assertEquals(withoutTimings(a.history()), withoutTimings(b.history()));
        assertNotEquals(
                a.history().get(0).value(LearningRate.NAME),
                a.history().get(2).value(LearningRate.NAME),
                "the rate follows the schedule");
    }

    /** The history without the wall-clock timings, which no two runs share. */
    private static List<EpochMetrics> withoutTimings(List<EpochMetrics> history) {
        Set<String> timings = Set.of(TrainSeconds.NAME, ValidSeconds.NAME, TrainImagesPerSecond.NAME);
        return history.stream()
                .map(m -> {
                    Map<String, Double> values = new LinkedHashMap<>(m.values());
                    values.keySet().removeAll(timings);
                    return new EpochMetrics(m.epoch(), values);
                })
                .toList();
    }

    @Test
    void aResumeMustAddEpochsAndKeepItsSettings() {
        Path runDir = dir.resolve("run");
        softmax(runDir).epochs(2).build().run();
        Path last = runDir.resolve("last.ckpt");
        InvalidConfigurationException noMore = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(DATA)
                        .resumeFrom(last)
                        .epochs(2)
                        .build());
        assertEquals("epochs", noMore.getSetting());
        assertTrue(noMore.getMessage().contains("total"), noMore.getMessage());
        InvalidConfigurationException changed = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(DATA)
                        .resumeFrom(last)
                        .epochs(3)
                        .batchSize(64)
                        .build());
        assertEquals("batchSize", changed.getSetting());
        assertTrue(changed.getMessage().contains("64") && changed.getMessage().contains("32"), changed.getMessage());
        // Unchanged settings given again are fine.
        TrainingRun same = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(last)
                .epochs(3)
                .batchSize(32)
                .model("softmax")
                .build();
        assertEquals(3, same.config().epochs());
    }

    @Test
    void aCheckpointFromAnEarlierVersionWithKeysThisOneDoesNotKnowStillResumes() throws IOException {
        Path runDir = dir.resolve("old");
        softmax(runDir).epochs(1).build().run();
        Path last = runDir.resolve("last.ckpt");
        Checkpoint current = CheckpointFile.read(last);
        // Earlier versions stored the console's verbosity in the configuration.
        ObjectNode config = (ObjectNode) JSON.readTree(current.configJson());
        config.put("verbose", 2);
        CheckpointFile.write(last, Checkpoints.withConfig(current, JSON.writeValueAsString(config)));
        Files.writeString(runDir.resolve("config.json"), config.toPrettyString());
        assertEquals(
                TrainingConfig.fromJson(current.configJson()),
                TrainingConfig.fromJson(Files.readString(runDir.resolve("config.json"))));

        TrainingResult resumed = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(last)
                .epochs(2)
                .build()
                .run();
        assertEquals(2, resumed.epochsRun());
        assertFalse(Files.readString(runDir.resolve("config.json")).contains("verbose"));
    }

    @Test
    void aRunResumedIntoAnotherDirectoryStartsWithTheOriginalBestCheckpoint() {
        Path original = dir.resolve("original");
        softmax(original).epochs(2).build().run();
        Path elsewhere = dir.resolve("elsewhere");
        TrainingResult resumed = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(original.resolve("last.ckpt"))
                .epochs(3)
                .runDir(elsewhere)
                .build()
                .run();
        assertEquals(elsewhere, resumed.runDirectory());
        assertTrue(Files.isRegularFile(elsewhere.resolve("best.ckpt")));
        assertEquals(3, CheckpointFile.read(elsewhere.resolve("last.ckpt")).epoch());
        assertEquals(2, CheckpointFile.read(original.resolve("last.ckpt")).epoch(), "the original run is untouched");
    }

    @Test
    void aNewRunDoesNotReplaceAnotherRunsCheckpointsUnlessAllowed() throws IOException {
        Path runDir = dir.resolve("taken");
        softmax(runDir).epochs(1).build().run();
        byte[] last = Files.readAllBytes(runDir.resolve("last.ckpt"));
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> softmax(runDir).epochs(2).build());
        assertEquals("runDir", e.getSetting());
        assertTrue(e.getMessage().contains("already holds a run (last.ckpt)"), e.getMessage());
        assertArrayEquals(last, Files.readAllBytes(runDir.resolve("last.ckpt")));
        assertEquals(2, softmax(runDir).epochs(2).overwrite(true).build().run().epochsRun());

        Path other = dir.resolve("other");
        softmax(other).epochs(1).build().run();
        assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(DATA)
                        .resumeFrom(runDir.resolve("last.ckpt"))
                        .epochs(3)
                        .runDir(other)
                        .build(),
                "resuming into a directory that holds another run");
    }

    @Test
    void aMovedRunDirectoryResumesInItsNewPlace() throws IOException {
        Path original = dir.resolve("original");
        softmax(original).epochs(1).build().run();
        Path moved = dir.resolve("moved");
        Files.move(original, moved);
        TrainingResult resumed = TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(DATA)
                .resumeFrom(moved.resolve("last.ckpt"))
                .epochs(2)
                .build()
                .run();
        assertEquals(moved, resumed.runDirectory());
        assertEquals(moved.resolve("best.ckpt"), resumed.bestCheckpoint());
        assertFalse(Files.exists(original));
    }

    @Test
    void theBestCheckpointFollowsTheValidationLossWithTiesGoingToTheLaterEpoch() {
        Path runDir = dir.resolve("scripted");
        List<Integer> bestFileEpochs = new ArrayList<>();
        TrainingResult result = scripted(runDir, "0.5,0.4,0.45,0.4,0.6", o -> {})
                .on(
                        Event.VALIDATION_COMPLETED,
                        e -> bestFileEpochs.add(
                                CheckpointFile.read(runDir.resolve("best.ckpt")).epoch()))
                .build()
                .run();
        assertEquals(List.of(1, 2, 2, 4, 4), bestFileEpochs);
        assertEquals(4, result.bestEpoch());
        assertEquals(0.4f, (float) result.bestValidLoss());
        Checkpoint best = CheckpointFile.read(runDir.resolve("best.ckpt"));
        assertEquals(4 * STEPS_PER_EPOCH, best.modelState().get("steps").data()[0]);
        Checkpoint last = CheckpointFile.read(runDir.resolve("last.ckpt"));
        assertEquals(5, last.epoch());
        assertEquals(4, last.bestEpoch());
        assertEquals(
                4 * STEPS_PER_EPOCH, last.bestWeights().get("steps").data()[0], "last.ckpt carries the best weights");
        assertEquals(5 * STEPS_PER_EPOCH, last.modelState().get("steps").data()[0]);
        assertEquals(
                4 * STEPS_PER_EPOCH, result.bestWeights().get("steps").data()[0], "best weights restored at the end");
        // The scripted model's test loss is that of the epoch whose weights are loaded: the best one.
        assertEquals(0.4f, (float) result.test().loss());
    }

    @Test
    void aCrashWhileWritingACheckpointLeavesThePreviousCheckpointsIntact() throws IOException {
        Path runDir = dir.resolve("crash");
        IllegalStateException crash = assertThrows(
                IllegalStateException.class,
                () -> scripted(runDir, "0.5,0.4,0.3", o -> o.put("fail_state_at_epoch", "2"))
                        .build()
                        .run());
        assertTrue(crash.getMessage().contains("simulated crash"), crash.getMessage());
        Checkpoint best = CheckpointFile.read(runDir.resolve("best.ckpt"));
        Checkpoint last = CheckpointFile.read(runDir.resolve("last.ckpt"));
        assertEquals(1, best.epoch());
        assertEquals(1, last.epoch());
        assertEquals(STEPS_PER_EPOCH, best.modelState().get("steps").data()[0]);
        try (Stream<Path> files = Files.list(runDir)) {
            assertEquals(
                    List.of(RunLock.FILE_NAME, "best.ckpt", "config.json", "last.ckpt", "metrics.jsonl"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void aNanTrainingLossStopsTheRunAndLeavesTheBestCheckpointAlone() throws IOException {
        Path runDir = dir.resolve("nan");
        List<byte[]> bestAfterEpoch1 = new ArrayList<>();
        NonFiniteLossException e = assertThrows(
                NonFiniteLossException.class,
                () -> scripted(runDir, "0.5,0.4,0.3", o -> o.put("train_losses", "1,NaN,1"))
                        .on(Event.VALIDATION_COMPLETED, h -> bestAfterEpoch1.add(read(runDir.resolve("best.ckpt"))))
                        .build()
                        .run());
        assertEquals(2, e.getEpoch());
        assertTrue(e.getMessage().contains("training loss became NaN in epoch 2 (step 1 of 10)"), e.getMessage());
        assertTrue(
                e.getMessage().contains("best checkpoint " + runDir.resolve("best.ckpt") + " (epoch 1) is untouched"),
                e.getMessage());
        assertArrayEquals(bestAfterEpoch1.get(0), read(runDir.resolve("best.ckpt")));
        assertEquals(1, CheckpointFile.read(runDir.resolve("last.ckpt")).epoch());
        assertFalse(Files.exists(runDir.resolve("summary.json")));
    }

    @Test
    void aResumedRunThatFailsLeavesNoSummaryOfTheEarlierRun() {
        Path runDir = dir.resolve("stale");
        scripted(runDir, "0.5,0.4", o -> o.put("train_losses", "1,1,NaN"))
                .build()
                .run();
        assertTrue(Files.exists(runDir.resolve("summary.json")));
        assertThrows(
                NonFiniteLossException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(DATA)
                        .resumeFrom(runDir.resolve("last.ckpt"))
                        .epochs(3)
                        .build()
                        .run());
        assertFalse(Files.exists(runDir.resolve("summary.json")));
        assertEquals(2, CheckpointFile.read(runDir.resolve("last.ckpt")).epoch());
    }

    @Test
    void anInfiniteValidationLossStopsTheRunBeforeAnyCheckpointOfThatEpoch() {
        Path runDir = dir.resolve("inf");
        NonFiniteLossException e = assertThrows(
                NonFiniteLossException.class,
                () -> scripted(runDir, "0.5,Infinity,0.3", o -> {}).build().run());
        assertTrue(e.getMessage().contains("validation loss became Infinity after epoch 2"), e.getMessage());
        assertEquals(1, CheckpointFile.read(runDir.resolve("last.ckpt")).epoch());
        assertEquals(1, CheckpointFile.read(runDir.resolve("best.ckpt")).epoch());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void earlyStoppingEndsTheRunAfterPatienceEpochsWithoutImprovement() throws IOException {
        Path runDir = dir.resolve("early");
        TrainingResult result = scripted(runDir, "0.5,0.4,0.41,0.42,0.43,0.1", o -> {})
                .patience(2)
                .build()
                .run();
        assertEquals(4, result.epochsRun());
        assertEquals(2, result.bestEpoch());
        assertNotNull(result.stopReason());
        assertTrue(result.stopReason().contains("2 epochs"), result.stopReason());
        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        assertTrue(summary.get("stopped_early").asBoolean());
        assertEquals(4, summary.get("epochs_run").asInt());
        assertEquals(6, summary.get("epochs_requested").asInt());
    }

    @Test
    void minDeltaDecidesWhatCountsAsAnImprovement() {
        TrainingResult result = scripted(dir.resolve("delta"), "0.5,0.45,0.44,0.43,0.42", o -> {})
                .patience(2)
                .minDelta(0.1)
                .build()
                .run();
        assertEquals(3, result.epochsRun());
        assertEquals(3, result.bestEpoch(), "the best checkpoint still takes every <= loss");
    }

    @Test
    void theLearningRateScheduleIsAppliedEveryEpoch() {
        SoftmaxTrainer.Provider trainers = new SoftmaxTrainer.Provider();
        StaticExtensions lookup =
                new StaticExtensions(List.of(), List.of(new SoftmaxRegression.Provider()), List.of(trainers));
        TrainingResult step = TrainingRun.builder()
                .lookup(lookup)
                .data(DATA)
                .model("softmax")
                .batchSize(32)
                .epochs(3)
                .learningRate(0.1)
                .lrSchedule("step:1:0.5")
                .runDir(dir.resolve("step"))
                .build()
                .run();
        assertEquals(
                List.of(0.1, 0.05, 0.025),
                step.history().stream().map(m -> m.value(LearningRate.NAME)).toList());
        assertEquals(List.of(0.1, 0.05, 0.025), trainers.created.get(0).ratesSet);

        TrainingResult cosine = TrainingRun.builder()
                .lookup(lookup)
                .data(DATA)
                .model("softmax")
                .batchSize(32)
                .epochs(4)
                .learningRate(0.1)
                .lrSchedule("cosine")
                .runDir(dir.resolve("cos"))
                .build()
                .run();
        List<Double> rates =
                cosine.history().stream().map(m -> m.value(LearningRate.NAME)).toList();
        assertEquals(0.1, rates.get(0), 1e-15);
        assertEquals(0.05, rates.get(2), 1e-15);
        assertTrue(rates.get(3) < rates.get(2) && rates.get(1) < rates.get(0), rates.toString());
    }

    @Test
    void theBuilderRefusesOutOfRangeSettingsNamingThem() {
        Map<String, Consumer<TrainingRunBuilder>> bad = new LinkedHashMap<>();
        bad.put("batchSize", b -> b.batchSize(0));
        bad.put("trainRatio", b -> b.trainRatio(1.5));
        bad.put("epochs", b -> b.epochs(0));
        bad.put("learningRate", b -> b.learningRate(-1));
        bad.put("limit", b -> b.limit(-5));
        bad.put("threads", b -> b.threads(0));
        bad.put("patience", b -> b.patience(-1));
        bad.put("minDelta", b -> b.minDelta(Double.NaN));
        bad.put("lrSchedule", b -> b.lrSchedule("exponential"));
        bad.put("device", b -> b.device("gpu"));
        bad.put("bestCheckpoint", b -> b.bestCheckpoint(dir.resolve("run/last.ckpt")));
        for (Map.Entry<String, Consumer<TrainingRunBuilder>> entry : bad.entrySet()) {
            TrainingRunBuilder builder = softmax(dir.resolve("run"));
            entry.getValue().accept(builder);
            InvalidConfigurationException e =
                    assertThrows(InvalidConfigurationException.class, builder::build, entry.getKey());
            assertEquals(entry.getKey(), e.getSetting());
        }
        InvalidConfigurationException ratio = assertThrows(
                InvalidConfigurationException.class,
                () -> softmax(dir).trainRatio(1.5).build());
        assertEquals("invalid value '1.5' for trainRatio: must lie strictly between 0 and 1", ratio.getMessage());
        InvalidConfigurationException noModel = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(DATA)
                        .build());
        assertEquals("model", noModel.getSetting());
        UnknownExtensionException unknown = assertThrows(
                UnknownExtensionException.class,
                () -> softmax(dir).model("resnet").build());
        assertTrue(unknown.getMessage().contains("softmax"), unknown.getMessage());
        assertThrows(
                InvalidConfigurationException.class,
                () -> softmax(dir).trainer(Scripted.TRAINER).build().run(),
                "a trainer that cannot train the model");
        InvalidConfigurationException noLoader = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .dataset("mnist")
                        .model("softmax")
                        .build());
        assertEquals("datasetLoader", noLoader.getSetting());
    }

    @Test
    void aNamedDatasetIsLoadedThroughTheCallerSuppliedLoader() {
        List<String> asked = new ArrayList<>();
        DatasetProvider provider = new InMemoryDataset(DATA);
        StaticExtensions lookup = new StaticExtensions(
                List.of(provider), List.of(new SoftmaxRegression.Provider()), List.of(new SoftmaxTrainer.Provider()));
        Path modelFn = dir.resolve("models/softmax.ckpt");
        TrainingResult result = TrainingRun.builder()
                .lookup(lookup)
                .dataset("synthetic")
                .datasetLoader((p, options) -> {
                    asked.add(p.name());
                    return p.load(dir);
                })
                .model("softmax")
                .epochs(1)
                .batchSize(32)
                .limit(200)
                .bestCheckpoint(modelFn)
                .plugins(Map.of("test-models", "0.0.1"))
                .runDir(dir.resolve("named"))
                .build()
                .run();
        assertEquals(List.of("synthetic"), asked);
        assertEquals(modelFn, result.bestCheckpoint());
        Checkpoint best = CheckpointFile.read(modelFn);
        assertEquals("synthetic", best.datasetName());
        assertEquals(Map.of("test-models", "0.0.1"), best.plugins());
        assertNotEquals(0, best.history().size());
        assertFalse(Files.exists(dir.resolve("named/best.ckpt")));
    }

    @Test
    void pluginVersionsAreTakenFromTheLookupUnlessGiven() {
        StaticExtensions base = TestExtensions.create();
        ExtensionLookup lookup = new ExtensionLookup() {
            @Override
            public List<DatasetProvider> datasets() {
                return base.datasets();
            }

            @Override
            public List<org.mltoolkit.api.ModelProvider> models() {
                return base.models();
            }

            @Override
            public List<org.mltoolkit.api.TrainerProvider> trainers() {
                return base.trainers();
            }

            @Override
            public java.util.Optional<PluginStatus> pluginOf(Object extension) {
                return extension instanceof org.mltoolkit.api.ModelProvider
                        ? java.util.Optional.of(new PluginStatus(
                                "test-models",
                                "9.9",
                                PluginStatus.State.STARTED,
                                Path.of("test-models.jar"),
                                "",
                                List.of(),
                                List.of()))
                        : java.util.Optional.empty();
            }
        };
        TrainingRun run = TrainingRun.builder()
                .lookup(lookup)
                .data(DATA)
                .model("softmax")
                .runDir(dir)
                .build();
        assertEquals(Map.of("test-models", "9.9"), run.config().plugins());
        TrainingRun given = TrainingRun.builder()
                .lookup(lookup)
                .data(DATA)
                .model("softmax")
                .runDir(dir)
                .plugins(Map.of("mine", "1.0"))
                .build();
        assertEquals(Map.of("mine", "1.0"), given.config().plugins());
    }

    @Test
    void aLimitTrainsOnFewerExamples() throws IOException {
        Path runDir = dir.resolve("limited");
        softmax(runDir).epochs(1).limit(100).build().run();
        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        assertEquals(80, summary.get("train_examples").asInt());
        assertEquals(20, summary.get("valid_examples").asInt());
        assertEquals(100, summary.get("test_examples").asInt());
    }
}
