package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.data.DataFingerprint;
import org.mltoolkit.core.testing.Checkpoints;
import org.mltoolkit.core.testing.SyntheticData;
import org.mltoolkit.core.testing.TestExtensions;

/** A resume goes on only from the data and the epoch its run left off at, unless told otherwise. */
class ResumeSafetyTest {
    /** The same name, shape and classes as {@link TrainingRunTest#DATA}, other examples. */
    private static final DatasetSplits OTHER_DATA = SyntheticData.make("synthetic", 400, 100, 4, 2);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TrainingRunBuilder resume(Path checkpoint, DatasetSplits data, int epochs) {
        return TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(data)
                .resumeFrom(checkpoint)
                .epochs(epochs);
    }

    @Test
    void everyCheckpointRecordsTheFingerprintOfItsData() {
        Path runDir = dir.resolve("run");
        TrainingRunTest.softmax(runDir).epochs(1).build().run();
        DataFingerprint expected = DataFingerprint.of(TrainingRunTest.DATA);
        for (String file : List.of("last.ckpt", "best.ckpt")) {
            Checkpoint c = CheckpointFile.read(runDir.resolve(file));
            assertEquals(expected, TrainingConfig.fromJson(c.configJson()).dataFingerprint(), file);
        }
        assertNotEquals(expected, DataFingerprint.of(OTHER_DATA));
        assertEquals(64, expected.train().length());
    }

    @Test
    void aResumeOnOtherDataIsRefusedInOneLineUnlessAllowed() throws IOException {
        Path runDir = dir.resolve("run");
        TrainingRunTest.softmax(runDir).epochs(1).build().run();
        Path last = runDir.resolve("last.ckpt");
        byte[] before = Files.readAllBytes(last);
        byte[] metricsBefore = Files.readAllBytes(runDir.resolve("metrics.jsonl"));

        TrainingRun refused = resume(last, OTHER_DATA, 2).build();
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, refused::run);
        DataFingerprint trained = DataFingerprint.of(TrainingRunTest.DATA);
        DataFingerprint other = DataFingerprint.of(OTHER_DATA);
        assertEquals(
                "invalid value '" + last + "' for resumeFrom: dataset 'synthetic' (" + other.shortText()
                        + ") differs from the data this run trained on (" + trained.shortText()
                        + "); give allowDataChange to resume on these data anyway",
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(last), "nothing is written");
        assertArrayEquals(metricsBefore, Files.readAllBytes(runDir.resolve("metrics.jsonl")));

        TrainingResult allowed =
                resume(last, OTHER_DATA, 2).allowDataChange(true).build().run();
        assertEquals(2, allowed.epochsRun());
        assertEquals(
                other,
                TrainingConfig.fromJson(CheckpointFile.read(last).configJson()).dataFingerprint(),
                "the data trained on from now on are recorded");
    }

    @Test
    void aCheckpointThatRecordedNoFingerprintStillResumesAndEvaluates() throws IOException {
        Path runDir = dir.resolve("old");
        TrainingRunTest.softmax(runDir).epochs(1).build().run();
        Path last = runDir.resolve("last.ckpt");
        Checkpoint c = CheckpointFile.read(last);
        ObjectNode config = (ObjectNode) JSON.readTree(c.configJson());
        config.remove("data_fingerprint");
        CheckpointFile.write(
                last, Checkpoints.with(c, c.history(), JSON.writeValueAsString(config), c.bestModelState()));

        EvaluationResult evaluated = Evaluation.builder()
                .lookup(TestExtensions.create())
                .checkpoint(last)
                .data(OTHER_DATA)
                .build()
                .run();
        assertNull(evaluated.trainedTestDigest());
        assertTrue(evaluated.sameTestDataAsTraining().isEmpty());

        assertEquals(2, resume(last, OTHER_DATA, 2).build().run().epochsRun());
    }

    @Test
    void anEvaluationSaysWhichDataItScoredAndWhetherTheRunWasTestedOnThem() {
        Path runDir = dir.resolve("run");
        TrainingRunTest.softmax(runDir).epochs(1).build().run();
        Evaluation.Builder evaluation =
                Evaluation.builder().lookup(TestExtensions.create()).checkpoint(runDir.resolve("best.ckpt"));

        EvaluationResult same = evaluation.data(TrainingRunTest.DATA).build().run();
        assertEquals(DataFingerprint.digest(TrainingRunTest.DATA.test()), same.testDigest());
        assertEquals(same.testDigest(), same.trainedTestDigest());
        assertEquals(true, same.sameTestDataAsTraining().orElseThrow());

        EvaluationResult other = evaluation.data(OTHER_DATA).build().run();
        assertEquals(DataFingerprint.digest(OTHER_DATA.test()), other.testDigest());
        assertEquals(false, other.sameTestDataAsTraining().orElseThrow());
    }

    @Test
    void resumingTheBestCheckpointOfARunThatWentOnIsRefusedAndWithFromBestKeepsTheLaterEpochsAside()
            throws IOException {
        Path runDir = dir.resolve("scripted");
        TrainingRunTest.scripted(runDir, "0.5,0.9,0.8,0.7,0.6", o -> {})
                .epochs(3)
                .build()
                .run();
        Path best = runDir.resolve("best.ckpt");
        Path last = runDir.resolve("last.ckpt");
        assertEquals(1, CheckpointFile.read(best).epoch());
        byte[] metricsBefore = Files.readAllBytes(runDir.resolve("metrics.jsonl"));
        byte[] lastBefore = Files.readAllBytes(last);

        InvalidConfigurationException e = assertThrows(
                InvalidConfigurationException.class,
                () -> resume(best, TrainingRunTest.DATA, 4).build());
        assertEquals(
                "invalid value '" + best + "' for resumeFrom: is epoch 1 of a run that went on to epoch 3 in "
                        + runDir.toAbsolutePath().normalize() + "; resuming it there would rewind metrics.jsonl and"
                        + " replace last.ckpt: resume "
                        + runDir.toAbsolutePath().normalize().resolve("last.ckpt")
                        + ", give another runDir, or fromBest to keep the later epochs aside and go on from this one",
                e.getMessage());
        assertArrayEquals(metricsBefore, Files.readAllBytes(runDir.resolve("metrics.jsonl")));
        assertArrayEquals(lastBefore, Files.readAllBytes(last));

        TrainingResult resumed =
                resume(best, TrainingRunTest.DATA, 4).fromBest(true).build().run();
        assertEquals(4, resumed.epochsRun());
        List<String> kept = Files.readAllLines(runDir.resolve("metrics.epochs-2-3.jsonl"));
        List<String> before = new String(metricsBefore, java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertEquals(before.subList(1, 3), kept, "the cut rows are kept as they were");
        assertArrayEquals(lastBefore, Files.readAllBytes(runDir.resolve("last.epoch-3.ckpt")));
        assertEquals(4, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());
        assertEquals(
                before.get(0),
                Files.readAllLines(runDir.resolve("metrics.jsonl")).get(0));

        // The same cut again would overwrite what was kept: refused before anything is written.
        TrainingRunTest.scripted(runDir.resolveSibling("again"), "0.5,0.9,0.8,0.7,0.6", o -> {})
                .epochs(3)
                .build()
                .run();
        Path again = runDir.resolveSibling("again");
        Files.copy(runDir.resolve("metrics.epochs-2-3.jsonl"), again.resolve("metrics.epochs-2-3.jsonl"));
        var exists = assertThrows(
                org.mltoolkit.api.ToolkitException.class,
                () -> resume(again.resolve("best.ckpt"), TrainingRunTest.DATA, 4)
                        .fromBest(true)
                        .build());
        assertTrue(exists.getMessage().contains("metrics.epochs-2-3.jsonl, which exists already"), exists.getMessage());
    }

    @Test
    void theBestCheckpointResumedIntoANewDirectoryNeedsNoPermission() {
        Path runDir = dir.resolve("scripted");
        TrainingRunTest.scripted(runDir, "0.5,0.9,0.8,0.7", o -> {})
                .epochs(3)
                .build()
                .run();
        TrainingResult resumed = resume(runDir.resolve("best.ckpt"), TrainingRunTest.DATA, 4)
                .runDir(dir.resolve("branch"))
                .build()
                .run();
        assertEquals(4, resumed.epochsRun());
        assertFalse(Files.exists(runDir.resolve("last.epoch-3.ckpt")));
    }
}
