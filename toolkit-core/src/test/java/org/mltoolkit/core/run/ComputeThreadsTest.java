package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.Checkpoints;
import org.mltoolkit.core.testing.SoftmaxRegression;
import org.mltoolkit.core.testing.SoftmaxTrainer;

/** Compute threads stay within 1 to 4 per core, whether given or read from a checkpoint. */
class ComputeThreadsTest {
    private static final int HUGE = 100_000;

    @TempDir
    Path dir;

    @Test
    void threadsGivenOutsideTheBoundAreRefusedNamingTheBound() {
        int max = ComputeThreads.max();
        assertEquals(4 * Runtime.getRuntime().availableProcessors(), max);
        for (int threads : new int[] {0, max + 1, HUGE}) {
            InvalidConfigurationException e = assertThrows(
                    InvalidConfigurationException.class,
                    () -> TrainingRunTest.softmax(dir.resolve("run"))
                            .threads(threads)
                            .build());
            assertEquals("threads", e.getSetting());
            assertEquals(
                    "invalid value '" + threads + "' for threads: must be between 1 and " + max + " (4 per core)",
                    e.getMessage());
            assertThrows(
                    InvalidConfigurationException.class,
                    () -> Evaluation.builder()
                            .lookup(lookup(new ArrayList<>()))
                            .checkpoint(dir.resolve("any.ckpt"))
                            .data(TrainingRunTest.DATA)
                            .threads(threads)
                            .build());
        }
        assertEquals(
                max,
                TrainingRunTest.softmax(dir.resolve("run"))
                        .threads(max)
                        .build()
                        .config()
                        .threads());
    }

    @Test
    void threadsReadFromACheckpointAreLoweredToTheBound() throws IOException {
        Path runDir = dir.resolve("run");
        TrainingRunTest.softmax(runDir).epochs(1).build().run();
        Path crafted = runDir.resolve("crafted.ckpt");
        Checkpoint c = CheckpointFile.read(runDir.resolve("last.ckpt"));
        ModelSpec s = c.modelSpec();
        CheckpointFile.write(
                crafted,
                Checkpoints.with(
                        c,
                        new ModelSpec(s.inputShape(), s.numClasses(), s.seed(), s.device(), HUGE, s.options()),
                        c.configJson().replaceFirst("\"threads\"\\s*:\\s*\\d+", "\"threads\":" + HUGE)));
        assertTrue(CheckpointFile.read(crafted).configJson().contains("\"threads\":" + HUGE));

        List<ModelSpec> built = new ArrayList<>();
        Evaluation.builder()
                .lookup(lookup(built))
                .checkpoint(crafted)
                .data(TrainingRunTest.DATA)
                .build()
                .run();
        assertEquals(ComputeThreads.max(), built.get(0).threads());

        Files.delete(runDir.resolve("last.ckpt"));
        Files.move(crafted, runDir.resolve("last.ckpt"));
        TrainingRun resumed = TrainingRun.builder()
                .lookup(lookup(built))
                .data(TrainingRunTest.DATA)
                .resumeFrom(runDir.resolve("last.ckpt"))
                .epochs(2)
                .build();
        assertEquals(ComputeThreads.max(), resumed.config().threads());
        resumed.run();
        assertEquals(ComputeThreads.max(), built.get(built.size() - 1).threads());
    }

    /** The test model and trainer, recording every spec a model is built from into {@code built}. */
    private static StaticExtensions lookup(List<ModelSpec> built) {
        ModelProvider softmax = new SoftmaxRegression.Provider();
        ModelProvider recording = new ModelProvider() {
            @Override
            public String name() {
                return softmax.name();
            }

            @Override
            public String description() {
                return softmax.description();
            }

            @Override
            public InputLayout inputLayout() {
                return softmax.inputLayout();
            }

            @Override
            public String defaultTrainer() {
                return softmax.defaultTrainer();
            }

            @Override
            public Model create(ModelSpec spec) {
                built.add(spec);
                return softmax.create(spec);
            }
        };
        return new StaticExtensions(List.of(), List.of(recording), List.of(new SoftmaxTrainer.Provider()));
    }
}
