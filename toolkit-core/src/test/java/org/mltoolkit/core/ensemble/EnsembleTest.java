package org.mltoolkit.core.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.CheckpointFormatException;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import org.mltoolkit.core.run.TrainingRun;
import org.mltoolkit.core.testing.SyntheticData;
import org.mltoolkit.core.testing.TestExtensions;

class EnsembleTest {
    static final DatasetSplits DATA = SyntheticData.make("synthetic", 400, 100, 4, 1);
    static final DatasetSplits OTHER = SyntheticData.make("other", 400, 100, 3, 1);

    @TempDir
    static Path runs;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainMembers() {
        train(DATA, "a", 7, "none");
        train(DATA, "b", 8, "default");
        train(OTHER, "c", 7, "none");
    }

    private static void train(DatasetSplits data, String name, long seed, String augment) {
        TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(data)
                .model("softmax")
                .batchSize(32)
                .epochs(2)
                .learningRate(0.05)
                .seed(seed)
                .augment(augment)
                .runDir(runs.resolve(name))
                .build()
                .run();
    }

    private static Path best(String run) {
        return runs.resolve(run).resolve("best.ckpt");
    }

    private EvaluationResult evaluate(Path file) {
        return Evaluation.builder()
                .lookup(TestExtensions.create())
                .checkpoint(file)
                .data(DATA)
                .build()
                .run();
    }

    private Path ensemble(String name, Path... members) {
        Path file = dir.resolve(name);
        EnsembleFile.write(file, Ensemble.members(List.of(members)));
        return file;
    }

    @Test
    void anEnsembleOfTwoIdenticalMembersPredictsWhatTheMemberPredicts() {
        EvaluationResult member = evaluate(best("a"));
        EvaluationResult twice = evaluate(ensemble("twice.ens", best("a"), best("a")));
        assertEquals("ensemble", twice.model());
        assertArrayEquals(
                member.predictions().logProbabilities(), twice.predictions().logProbabilities(), 1e-6f);
        assertEquals(member.test().accuracy(), twice.test().accuracy());
    }

    @Test
    void anEnsembleAveragesTheMembersProbabilitiesNotTheirLogProbabilities() {
        float[] a = evaluate(best("a")).predictions().logProbabilities();
        float[] b = evaluate(best("b")).predictions().logProbabilities();
        float[] both =
                evaluate(ensemble("ab.ens", best("a"), best("b"))).predictions().logProbabilities();
        assertFalse(java.util.Arrays.equals(a, b), "two different members");
        for (int j = 0; j < both.length; j++) {
            double mean = (Math.exp(a[j]) + Math.exp(b[j])) / 2;
            assertEquals(Math.log(mean), both[j], 1e-5, "entry " + j);
        }
    }

    @Test
    void combiningIsStableForVeryNegativeLogProbabilities() {
        float[] out = new float[2];
        Ensemble.combine(new float[][] {{-1000f, 0f}, {-1002f, Float.NEGATIVE_INFINITY}}, 2, out);
        assertEquals(-1000 + Math.log((1 + Math.exp(-2)) / 2), out[0], 1e-3);
        assertEquals(Math.log(0.5), out[1], 1e-6);
    }

    @Test
    void theFileEmbedsTheMembersAndRecordsWhereTheyCameFrom() throws IOException {
        Path file = ensemble("ab.ens", best("a"), best("b"));
        assertTrue(EnsembleFile.isEnsemble(file));
        assertFalse(EnsembleFile.isEnsemble(best("a")));
        List<EnsembleFile.Member> members = EnsembleFile.read(file);
        assertEquals(
                List.of("member-1", "member-2"),
                members.stream().map(EnsembleFile.Member::name).toList());
        assertEquals(best("b").toString(), members.get(1).source());
        assertEquals(EnsembleFile.sha256(best("b")), members.get(1).sourceSha256());
        assertTrue(members.get(0).checkpoint().optimizerState().isEmpty(), "no optimizer state is kept");
        Files.delete(best("a").resolveSibling("last.ckpt"));
        Path moved = dir.resolve("elsewhere.ens");
        Files.move(file, moved);
        assertEquals(evaluate(moved).test().accuracy(), evaluate(moved).test().accuracy());
    }

    @Test
    void aDamagedOrTruncatedFileIsRefusedInOneLineNamingIt() throws IOException {
        Path file = ensemble("ab.ens", best("a"), best("b"));
        byte[] bytes = Files.readAllBytes(file);
        Path flipped = dir.resolve("flipped.ens");
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(flipped, bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> EnsembleFile.read(flipped));
        assertTrue(e.getMessage().startsWith(flipped + ": corrupt ensemble"), e.getMessage());
        Path cut = dir.resolve("cut.ens");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(file), bytes.length - 100));
        e = assertThrows(CheckpointFormatException.class, () -> EnsembleFile.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void membersOfAnotherDatasetOrShapeAreRefusedNamingTheFile() {
        ToolkitException e =
                assertThrows(ToolkitException.class, () -> Ensemble.members(List.of(best("a"), best("c"))));
        assertTrue(
                e.getMessage().startsWith(best("c") + ": cannot join an ensemble with " + best("a")), e.getMessage());
        assertTrue(e.getMessage().contains("'other' (1x2x3, 3 classes)"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("ac.ens")));
        assertThrows(ToolkitException.class, () -> Ensemble.members(List.of()));
    }

    @Test
    void aSweepGivesItsFinishedRunsWithTheLowestValidationLoss() throws IOException {
        Path sweep = dir.resolve("sweep");
        Files.createDirectories(sweep);
        Files.writeString(sweep.resolve("sweep.json"), """
                {"runs": [
                  {"run_dir": "%s", "settings": {"seed": 7}, "status": "finished", "best_valid_loss": 0.30,
                   "test_accuracy": 0.9},
                  {"run_dir": "r2", "status": "failed", "error": "out of memory"},
                  {"run_dir": "%s", "settings": {"seed": 8}, "status": "finished", "best_valid_loss": 0.20},
                  {"run_dir": "r4", "status": "finished", "best_valid_loss": 0.50}
                ]}""".formatted(runs.resolve("a"), runs.resolve("b")));
        assertEquals(List.of(best("b"), best("a")), SweepSelection.best(List.of(sweep), 2));
        assertEquals(
                List.of(sweep.resolve("r4/best.ckpt")),
                SweepSelection.best(List.of(sweep), 3).subList(2, 3));
        ToolkitException few = assertThrows(ToolkitException.class, () -> SweepSelection.best(List.of(sweep), 4));
        assertEquals(sweep.resolve("sweep.json") + ": 3 finished runs, fewer than the 4 asked for", few.getMessage());
        ToolkitException none = assertThrows(ToolkitException.class, () -> SweepSelection.best(List.of(dir), 1));
        assertTrue(none.getMessage().startsWith(dir.resolve("sweep.json") + ": no such file"), none.getMessage());
        assertNotEquals(SweepSelection.best(List.of(sweep), 1), SweepSelection.best(List.of(sweep), 2));
    }

    @Test
    void aRunThatFinishedAfterTheSweepFileWasWrittenIsACandidate() throws IOException {
        Path sweep = dir.resolve("running");
        Files.createDirectories(sweep.resolve("done-since"));
        Files.createDirectories(sweep.resolve("still-going"));
        Files.writeString(sweep.resolve("done-since/summary.json"), "{\"best_valid_loss\": 0.10}");
        Files.writeString(sweep.resolve("sweep.json"), """
                {"runs": [
                  {"run_dir": "first", "status": "finished", "best_valid_loss": 0.30},
                  {"run_dir": "done-since", "status": "pending"},
                  {"run_dir": "still-going", "status": "pending"}
                ]}""");

        assertEquals(
                List.of(sweep.resolve("done-since/best.ckpt"), sweep.resolve("first/best.ckpt")),
                SweepSelection.best(List.of(sweep), 2));
        ToolkitException few = assertThrows(ToolkitException.class, () -> SweepSelection.best(List.of(sweep), 3));
        assertEquals(sweep.resolve("sweep.json") + ": 2 finished runs, fewer than the 3 asked for", few.getMessage());

        Files.writeString(sweep.resolve("still-going/summary.json"), "{\"test_accuracy\": 0.9}");
        ToolkitException broken = assertThrows(ToolkitException.class, () -> SweepSelection.best(List.of(sweep), 1));
        assertTrue(
                broken.getMessage().startsWith(sweep.resolve("still-going/summary.json") + ": "), broken.getMessage());
    }

    @Test
    void runsOfSeveralSweepsAreRankedTogetherAndCountOnce() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        Files.createDirectories(first);
        Files.createDirectories(second);
        Files.writeString(first.resolve("sweep.json"), """
                {"runs": [
                  {"run_dir": "x", "status": "finished", "best_valid_loss": 0.30},
                  {"run_dir": "y", "status": "finished", "best_valid_loss": 0.10}
                ]}""");
        Files.writeString(second.resolve("sweep.json"), """
                {"runs": [
                  {"run_dir": "z", "status": "finished", "best_valid_loss": 0.20},
                  {"run_dir": "%s", "status": "finished", "best_valid_loss": 0.30}
                ]}""".formatted(first.resolve("x")));

        assertEquals(
                List.of(first.resolve("y/best.ckpt"), second.resolve("z/best.ckpt"), first.resolve("x/best.ckpt")),
                SweepSelection.best(List.of(first, second), 3));
        assertEquals(
                List.of(first.resolve("y/best.ckpt"), second.resolve("z/best.ckpt")),
                SweepSelection.best(List.of(second, first, second), 2));
        ToolkitException few =
                assertThrows(ToolkitException.class, () -> SweepSelection.best(List.of(first, second), 4));
        assertEquals(
                first.resolve("sweep.json") + ", " + second.resolve("sweep.json")
                        + ": 3 finished runs, fewer than the 4 asked for",
                few.getMessage());
        InvalidConfigurationException none =
                assertThrows(InvalidConfigurationException.class, () -> SweepSelection.best(List.of(), 1));
        assertEquals("sweeps", none.getSetting());
    }
}
