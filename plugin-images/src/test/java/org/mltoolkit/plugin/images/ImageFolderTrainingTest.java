package org.mltoolkit.plugin.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.run.DatasetLoader;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import org.mltoolkit.core.run.TrainingConfig;
import org.mltoolkit.core.run.TrainingRun;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;

/** The options of an image folder travel through a run's configuration and checkpoints to a resume and evaluation. */
class ImageFolderTrainingTest {
    @TempDir
    Path dir;

    private final StaticExtensions lookup = new StaticExtensions(
            List.of(new ImageFolderDataset()),
            List.of(new SoftmaxRegression.Provider()),
            List.of(new SoftmaxTrainer.Provider()));
    private final DatasetLoader loader = DatasetLoader.fromDirectory(Path.of("data"));

    @Test
    void aResumeAndAnEvaluationLoadTheDataTheRunRecordedEvenAfterTheFolderChanged() throws Exception {
        Path images = dir.resolve("images");
        for (int i = 0; i < 10; i++) {
            ImageFolders.grey(images.resolve("dark/" + i + ".png"), 4, 4, 20 + i);
            ImageFolders.grey(images.resolve("light/" + i + ".png"), 4, 4, 200 + i);
        }
        Path runDir = dir.resolve("run");
        TrainingRun run = TrainingRun.builder()
                .lookup(lookup)
                .dataset(ImageFolderDataset.NAME)
                .datasetOptions(Map.of("path", images.toString(), "test-ratio", "0.2"))
                .datasetLoader(loader)
                .model("softmax")
                .epochs(1)
                .batchSize(4)
                .learningRate(0.1)
                .runDir(runDir)
                .build();
        run.run();
        Map<String, String> recorded = Map.of(
                "path", images.toString(), "size", "4x4", "channels", "1", "test-ratio", "0.2", "split-seed", "0");
        assertEquals(recorded, run.config().datasetOptions());
        Path last = runDir.resolve("last.ckpt");
        assertEquals(
                recorded,
                TrainingConfig.fromJson(CheckpointFile.read(last).configJson()).datasetOptions());
        assertEquals(
                recorded,
                TrainingConfig.fromJson(Files.readString(runDir.resolve("config.json")))
                        .datasetOptions());

        // A larger colour image would now make the defaults 3 channels of 8x8: the recorded options keep 1x4x4. The
        // folder gained images, so its fingerprint changed: the resume has to allow that.
        ImageFolders.colour(images.resolve("light/extra.png"), 8, 8, 0xF0E0D0);
        ImageFolders.colour(images.resolve("light/extra2.png"), 8, 8, 0xF0E0D0);
        ImageFolders.colour(images.resolve("light/extra3.png"), 8, 8, 0xF0E0D0);
        TrainingRun resumed = TrainingRun.builder()
                .lookup(lookup)
                .datasetLoader(loader)
                .resumeFrom(last)
                .allowDataChange(true)
                .epochs(2)
                .build();
        assertEquals(2, resumed.run().epochsRun());
        assertEquals(recorded, resumed.config().datasetOptions());

        EvaluationResult evaluated = Evaluation.builder()
                .lookup(lookup)
                .checkpoint(last)
                .datasetLoader(loader)
                .build()
                .run();
        assertEquals(new ExampleShape(1, 4, 4), evaluated.testData().shape());

        // Another folder with the same classes, resized to what the model takes.
        Path other = dir.resolve("other");
        ImageFolders.grey(other.resolve("train/dark/a.png"), 12, 12, 25);
        ImageFolders.grey(other.resolve("train/light/b.png"), 12, 12, 205);
        ImageFolders.grey(other.resolve("test/dark/c.png"), 12, 12, 25);
        ImageFolders.grey(other.resolve("test/light/d.png"), 12, 12, 205);
        EvaluationResult elsewhere = Evaluation.builder()
                .lookup(lookup)
                .checkpoint(last)
                .datasetOptions(Map.of("path", other.toString()))
                .datasetLoader(loader)
                .build()
                .run();
        assertEquals(2, elsewhere.test().examples());
        assertEquals(1.0, elsewhere.test().accuracy());
    }
}
