package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mltoolkit.core.testing.Checkpoints.withConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.TrainerProvider;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.PluginStatus;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.TestExtensions;

/**
 * Settings and recorded values that used to fail late, oddly or not at all: a cosine floor above the starting rate, a
 * batch too small for the model, a run directory that is a file, a bad value read from a checkpoint, plugins that
 * changed version since a checkpoint was written.
 */
class RunInputChecksTest {
    @TempDir
    Path dir;

    @Test
    void aCosineMinimumAboveTheStartingRateIsRefusedNamingBoth() {
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRunTest.softmax(dir.resolve("run"))
                        .learningRate(0.05)
                        .lrSchedule("cosine:0.5")
                        .build());
        assertEquals("lrSchedule", e.getSetting());
        assertEquals(
                "invalid value 'cosine:0.5' for lrSchedule: the minimum rate 0.5 exceeds the starting rate 0.05"
                        + " (learningRate); a cosine schedule falls from the starting rate to its minimum",
                e.getMessage());
        // The default starting rate (1e-3) counts when none is given; a minimum at or below it is fine.
        assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(TrainingRunTest.DATA)
                        .model("softmax")
                        .lrSchedule("cosine:0.002")
                        .runDir(dir.resolve("run"))
                        .build());
        assertEquals(
                "cosine:0.05",
                TrainingRunTest.softmax(dir.resolve("run"))
                        .lrSchedule("cosine:0.05")
                        .build()
                        .config()
                        .lrSchedule());
        assertFalse(Files.exists(dir.resolve("run")));
    }

    @Test
    void aLastTrainingBatchBelowTheModelsMinimumIsLeftOutAndASmallerBatchSizeIsRefusedBeforeTraining() {
        // 400 examples at 0.8: 320 to train; batches of 29 leave a last batch of one.
        List<Integer> sizes = new ArrayList<>();
        TrainingResult result = TrainingRunTest.softmax(dir.resolve("run"))
                .modelOptions(Map.of(SoftmaxRegression.MIN_BATCH, "2"))
                .batchSize(29)
                .epochs(2)
                .on(
                        Event.ITERATION_COMPLETED,
                        (engine) -> sizes.add(engine.state().batch().size()))
                .build()
                .run();
        assertEquals(2, result.epochsRun());
        assertEquals(2 * 11, sizes.size(), "11 batches of 29 per epoch, the last example left out");
        assertTrue(sizes.stream().allMatch(size -> size == 29), sizes::toString);

        List<Integer> unlimited = new ArrayList<>();
        TrainingRunTest.softmax(dir.resolve("plain"))
                .batchSize(29)
                .epochs(1)
                .on(
                        Event.ITERATION_COMPLETED,
                        (engine) -> unlimited.add(engine.state().batch().size()))
                .build()
                .run();
        assertEquals(12, unlimited.size(), "a model without a minimum trains on the last batch of one");

        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRunTest.softmax(dir.resolve("ones"))
                        .modelOptions(Map.of(SoftmaxRegression.MIN_BATCH, "2"))
                        .batchSize(1)
                        .build()
                        .run());
        assertEquals("batchSize", e.getSetting());
        assertEquals(
                "invalid value '1' for batchSize: must be at least 2: model 'softmax' trains on batches of at"
                        + " least 2 examples",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("ones")), "nothing is written before the refusal");
    }

    @Test
    void aRunDirectoryThatIsAFileIsRefusedInOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> TrainingRunTest.softmax(file).build());
        assertEquals("runDir", e.getSetting());
        assertEquals(
                "invalid value '" + file + "' for runDir: is a file, not a directory; give a new or existing"
                        + " directory",
                e.getMessage());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void aBadValueReadFromACheckpointIsReportedAsTheFilesNotAsASettingGiven() {
        Path runDir = dir.resolve("run");
        TrainingRunTest.softmax(runDir).epochs(1).build().run();
        Path crafted = dir.resolve("crafted.ckpt");
        Checkpoint c = CheckpointFile.read(runDir.resolve("last.ckpt"));
        String config = c.configJson().replaceFirst("\"learning_rate\"\\s*:\\s*[0-9.eE-]+", "\"learning_rate\":-1");
        assertTrue(config.contains("\"learning_rate\":-1"), config);
        CheckpointFile.write(crafted, withConfig(c, config));

        ToolkitException e = assertThrows(
                ToolkitException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(TrainingRunTest.DATA)
                        .resumeFrom(crafted)
                        .epochs(2)
                        .build());
        assertFalse(e instanceof InvalidConfigurationException, "not reported as a setting the user gave");
        assertEquals(
                crafted + ": in its recorded configuration, invalid value '-1.0' for learningRate: must be a"
                        + " positive number",
                e.getMessage());

        Path floor = dir.resolve("floor.ckpt");
        CheckpointFile.write(
                floor,
                withConfig(
                        c,
                        c.configJson()
                                .replaceFirst("\"lr_schedule\"\\s*:\\s*\"[^\"]*\"", "\"lr_schedule\":\"cosine:9\"")));
        ToolkitException f = assertThrows(
                ToolkitException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(TrainingRunTest.DATA)
                        .resumeFrom(floor)
                        .epochs(2)
                        .build());
        assertTrue(
                f.getMessage().startsWith(floor + ": in its recorded configuration, invalid value 'cosine:9.0'"),
                f.getMessage());

        Path unscheduled = dir.resolve("unscheduled.ckpt");
        CheckpointFile.write(
                unscheduled, withConfig(c, c.configJson().replaceFirst("\"lr_schedule\"\\s*:\\s*\"[^\"]*\",?", "")));
        ToolkitException g = assertThrows(
                ToolkitException.class,
                () -> TrainingRun.builder()
                        .lookup(TestExtensions.create())
                        .data(TrainingRunTest.DATA)
                        .resumeFrom(unscheduled)
                        .epochs(2)
                        .build());
        assertEquals(
                unscheduled + ": in its recorded configuration, invalid value 'null' for lrSchedule: is missing",
                g.getMessage());
    }

    @Test
    void aPluginWhoseVersionChangedSinceTheCheckpointIsWarnedInOneLine() {
        Path runDir = dir.resolve("run");
        TrainingRun.builder()
                .lookup(versioned("1.0"))
                .data(TrainingRunTest.DATA)
                .model("softmax")
                .epochs(1)
                .runDir(runDir)
                .build()
                .run();
        Path last = runDir.resolve("last.ckpt");
        assertEquals(Map.of("test-models", "1.0"), CheckpointFile.read(last).plugins());

        String same = stderrOf(() -> Evaluation.builder()
                .lookup(versioned("1.0"))
                .checkpoint(last)
                .data(TrainingRunTest.DATA)
                .build()
                .run());
        assertEquals("", same);

        String evaluated = stderrOf(() -> Evaluation.builder()
                .lookup(versioned("2.0"))
                .checkpoint(last)
                .data(TrainingRunTest.DATA)
                .build()
                .run());
        assertEquals(1, evaluated.strip().lines().count(), evaluated);
        assertTrue(evaluated.contains("WARN"), evaluated);
        assertTrue(
                evaluated
                        .strip()
                        .endsWith(last + " was written with plugin test-models 1.0 (loaded: 2.0); results may differ"
                                + " from the saved run's"),
                evaluated);

        String resumed = stderrOf(() -> TrainingRun.builder()
                .lookup(versioned("2.0"))
                .data(TrainingRunTest.DATA)
                .resumeFrom(last)
                .epochs(2)
                .build());
        assertTrue(resumed.contains(last + " was written with plugin test-models 1.0 (loaded: 2.0)"), resumed);
        assertEquals(1, resumed.strip().lines().count(), resumed);
    }

    /** The test extensions, with the models reported as plugin {@code test-models} of {@code version}. */
    private static ExtensionLookup versioned(String version) {
        StaticExtensions base = TestExtensions.create();
        return new ExtensionLookup() {
            @Override
            public List<DatasetProvider> datasets() {
                return base.datasets();
            }

            @Override
            public List<ModelProvider> models() {
                return base.models();
            }

            @Override
            public List<TrainerProvider> trainers() {
                return base.trainers();
            }

            @Override
            public Optional<PluginStatus> pluginOf(Object extension) {
                return extension instanceof ModelProvider
                        ? Optional.of(new PluginStatus(
                                "test-models",
                                version,
                                PluginStatus.State.STARTED,
                                Path.of("test-models.jar"),
                                "",
                                List.of(),
                                List.of()))
                        : Optional.empty();
            }
        };
    }

    /** What {@code action} writes to the standard error stream (where SLF4J's simple binding logs). */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
