package org.mltoolkit.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.testing.TestExtensions;

/** Where a run may write: never where a file it reads says, and never into a directory another run is using. */
class RunDirectorySafetyTest {
    @TempDir
    Path dir;

    private static TrainingRunBuilder resume(Path checkpoint) {
        return TrainingRun.builder()
                .lookup(TestExtensions.create())
                .data(TrainingRunTest.DATA)
                .resumeFrom(checkpoint);
    }

    @Test
    void aResumeNeverWritesWhereTheCheckpointSaysTheBestCheckpointLies() throws IOException {
        Path original = dir.resolve("original");
        Path keptElsewhere = dir.resolve("kept").resolve("best-elsewhere.ckpt");
        TrainingRunTest.softmax(original)
                .bestCheckpoint(keptElsewhere)
                .epochs(1)
                .build()
                .run();
        // The path recorded in the checkpoint now names a file of the user's (or the checkpoint was crafted).
        Files.writeString(keptElsewhere, "precious");

        Path resumedDir = dir.resolve("resumed");
        TrainingResult resumed = resume(original.resolve("last.ckpt"))
                .runDir(resumedDir)
                .epochs(2)
                .build()
                .run();
        assertEquals("precious", Files.readString(keptElsewhere));
        assertEquals(resumedDir.resolve("best.ckpt"), resumed.bestCheckpoint());
        assertTrue(Files.isRegularFile(resumedDir.resolve("best.ckpt")));

        // Resumed in place, the best checkpoint goes to the checkpoint's own directory unless given again.
        TrainingResult inPlace =
                resume(original.resolve("last.ckpt")).epochs(2).build().run();
        assertEquals(original.resolve("best.ckpt"), inPlace.bestCheckpoint());
        assertEquals("precious", Files.readString(keptElsewhere));
        TrainingResult givenAgain = resume(original.resolve("last.ckpt"))
                .bestCheckpoint(keptElsewhere)
                .overwrite(true)
                .epochs(3)
                .build()
                .run();
        assertEquals(keptElsewhere, givenAgain.bestCheckpoint());
    }

    @Test
    void aSecondRunIntoADirectoryInUseIsRefusedNamingTheHolderAndLeavesItsFilesAlone() throws IOException {
        Path runDir = dir.resolve("busy");
        Path othersTemporary = runDir.resolve(".config.json.abc123.tmp");
        List<ToolkitException> refused = new ArrayList<>();
        TrainingRunTest.softmax(runDir)
                .epochs(2)
                .on(Event.EPOCH_COMPLETED, engine -> {
                    if (engine.state().epoch() != 1) {
                        return;
                    }
                    try {
                        // A live write of the first run, which the second run's clean-up must not touch.
                        Files.writeString(othersTemporary, "being written");
                        TrainingRunTest.softmax(runDir)
                                .overwrite(true)
                                .seed(99)
                                .build()
                                .run();
                    } catch (ToolkitException e) {
                        refused.add(e);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .build()
                .run();
        assertEquals(1, refused.size(), "the second run is refused");
        String message = refused.get(0).getMessage();
        assertTrue(
                message.contains("is in use by another training run (process "
                        + ProcessHandle.current().pid() + " holds " + runDir.resolve(".lock") + ")"),
                message);
        assertFalse(message.contains("\n"));
        assertTrue(Files.exists(othersTemporary), "the second run removed a file the first was writing");
        assertEquals(
                7,
                TrainingConfig.fromJson(Files.readString(runDir.resolve("config.json")))
                        .seed());
        assertEquals(2, CheckpointFile.read(runDir.resolve("last.ckpt")).epoch());
        // Released at the end: the next run goes ahead (and clears the leftover).
        TrainingRunTest.softmax(runDir).overwrite(true).epochs(1).build().run();
        assertFalse(Files.exists(othersTemporary));
    }

    @Test
    void aRunDirectoryLockedByAnotherProcessIsRefusedUntilThatProcessIsKilled() throws Exception {
        Path runDir = dir.resolve("shared");
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        HoldRunLock.class.getName(),
                        runDir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals(HoldRunLock.READY, lines.readLine());
            ToolkitException e = assertThrows(
                    ToolkitException.class,
                    () -> TrainingRunTest.softmax(runDir).epochs(1).build().run());
            assertTrue(e.getMessage().contains("(process " + holder.pid() + " holds "), e.getMessage());
            assertFalse(Files.exists(runDir.resolve("config.json")));
        } finally {
            holder.destroyForcibly(); // SIGKILL: the operating system drops the lock
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        assertNotNull(TrainingRunTest.softmax(runDir).epochs(1).build().run());
    }

    /** Holds a run directory's lock until killed; run by the test above in a second JVM. */
    public static final class HoldRunLock {
        static final String READY = "locked";

        public static void main(String[] args) throws InterruptedException {
            RunLock lock = RunLock.acquire(Path.of(args[0]));
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            lock.close();
        }
    }
}
