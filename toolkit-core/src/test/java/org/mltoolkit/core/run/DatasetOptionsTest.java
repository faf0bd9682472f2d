package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.mltoolkit.core.testing.OptionsDataset;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;
import org.mltoolkit.core.testing.SyntheticData;

/** Dataset options reach the dataset, are recorded as it resolved them, and come back for a resume or evaluation. */
class DatasetOptionsTest {
    @TempDir
    Path dir;

    private final OptionsDataset drawn = new OptionsDataset();
    private final StaticExtensions lookup = new StaticExtensions(
            List.of(drawn, new InMemoryDataset(SyntheticData.make("plain", 100, 20, 3, 5))),
            List.of(new SoftmaxRegression.Provider()),
            List.of(new SoftmaxTrainer.Provider()));
    private final DatasetLoader loader = DatasetLoader.fromDirectory(Path.of("unused"));

    private TrainingRunBuilder run(String dataset, Map<String, String> options) {
        return TrainingRun.builder()
                .lookup(lookup)
                .dataset(dataset)
                .datasetOptions(options)
                .datasetLoader(loader)
                .model("softmax")
                .epochs(1)
                .batchSize(32)
                .learningRate(0.05)
                .plugins(Map.of());
    }

    @Test
    void theOptionsTheDatasetReportsAreRecordedAndAResumeAndAnEvaluationLoadWithThem() throws Exception {
        Path runDir = dir.resolve("run");
        TrainingRun first =
                run(OptionsDataset.NAME, Map.of("seed", "7")).runDir(runDir).build();
        first.run();
        Map<String, String> resolved = Map.of("seed", "7", "size", "200");
        assertEquals(List.of(new PluginOptions(Map.of("seed", "7"))), drawn.loads);
        assertEquals(resolved, first.config().datasetOptions());
        assertEquals(
                resolved,
                TrainingConfig.fromJson(Files.readString(runDir.resolve("config.json")))
                        .datasetOptions());
        Path last = runDir.resolve("last.ckpt");
        assertEquals(
                resolved,
                TrainingConfig.fromJson(CheckpointFile.read(last).configJson()).datasetOptions());

        TrainingRun resumed = TrainingRun.builder()
                .lookup(lookup)
                .datasetLoader(loader)
                .resumeFrom(last)
                .epochs(2)
                .build();
        resumed.run();
        assertEquals(new PluginOptions(resolved), drawn.loads.get(1));

        Evaluation.builder()
                .lookup(lookup)
                .checkpoint(last)
                .datasetLoader(loader)
                .build()
                .run();
        assertEquals(new PluginOptions(resolved), drawn.loads.get(2));
        Evaluation.builder()
                .lookup(lookup)
                .checkpoint(last)
                .datasetOptions(Map.of("size", "60"))
                .datasetLoader(loader)
                .build()
                .run();
        assertEquals(new PluginOptions(Map.of("seed", "7", "size", "60")), drawn.loads.get(3));
    }

    @Test
    void aResumeMayPointTheDatasetElsewhere() {
        Path runDir = dir.resolve("run");
        run(OptionsDataset.NAME, Map.of()).runDir(runDir).build().run();
        TrainingRun resumed = TrainingRun.builder()
                .lookup(lookup)
                .datasetLoader(loader)
                .resumeFrom(runDir.resolve("last.ckpt"))
                .datasetOptions(Map.of("size", "150"))
                // 150 examples are other data than the run's: the fingerprint differs.
                .allowDataChange(true)
                .epochs(2)
                .build();
        assertEquals(Map.of("seed", "1", "size", "150"), resumed.config().datasetOptions());
        resumed.run();
        assertEquals(new PluginOptions(Map.of("seed", "1", "size", "150")), drawn.loads.get(1));
    }

    @Test
    void aDatasetWithoutOptionsRefusesAnyBeforeTheRunWritesAFile() {
        Path runDir = dir.resolve("plain");
        TrainingRun training =
                run("plain", Map.of("path", "somewhere")).runDir(runDir).build();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, training::run);
        assertEquals(
                "invalid value 'somewhere' for path: not an option of dataset plain (dataset plain takes no options)",
                e.getMessage());
        assertFalse(Files.exists(runDir.resolve("config.json")));

        InvalidConfigurationException unknown = assertThrows(
                InvalidConfigurationException.class,
                () -> run(OptionsDataset.NAME, Map.of("colour", "red"))
                        .runDir(dir.resolve("x"))
                        .build()
                        .run());
        assertEquals(
                "invalid value 'red' for colour: not an option of dataset drawn (known: seed, size)",
                unknown.getMessage());
    }

    @Test
    void aRunWithoutDatasetOptionsRecordsNoneAndOldConfigurationsReadAsNone() throws Exception {
        Path runDir = dir.resolve("plain");
        TrainingRun plain = run("plain", Map.of()).runDir(runDir).build();
        plain.run();
        assertEquals(Map.of(), plain.config().datasetOptions());
        String json = Files.readString(runDir.resolve("config.json"));
        String old = json.replaceAll("(?s)\"dataset_options\" : \\{\\s*},\\s*", "");
        assertFalse(old.contains("dataset_options"), old);
        assertEquals(Map.of(), TrainingConfig.fromJson(old).datasetOptions());
    }
}
