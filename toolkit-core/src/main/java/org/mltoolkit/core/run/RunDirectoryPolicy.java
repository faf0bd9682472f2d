package org.mltoolkit.core.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.checkpoint.CheckpointFormatException;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run writes, and what it may replace: the default run directory, the best checkpoint's place (given, or
 * {@code best.ckpt} in the run directory: never a path read from a file), the refusal to replace another run's checkpoints unless overwriting is allowed,
 * and the best checkpoint a run resumed into a new directory carries over. Paths come back absolute, so that a
 * resumed run writes to the same files from any working directory.
 */
final class RunDirectoryPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RunDirectoryPolicy.class);
    private static final DateTimeFormatter RUN_NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final boolean overwrite;

    /** {@code overwrite}: a new run may replace another run's files in its directory. */
    RunDirectoryPolicy(boolean overwrite) {
        this.overwrite = overwrite;
    }

    /** A run's directory and best checkpoint file, absolute and normalised. */
    record Placement(Path runDir, Path bestCheckpoint) {}

    /**
     * A new run's files: {@code runDir}, by default {@code runs/<model>-<date>-<time>}; {@code bestCheckpoint}, by
     * default {@code best.ckpt} in it. Throws InvalidConfigurationException if the directory is a file or holds
     * another run, or the best checkpoint would be the last one.
     */
    Placement placeNewRun(Path runDir, Path bestCheckpoint, String model) {
        Path dir = runDir != null
                ? runDir
                : Path.of("runs", model + "-" + LocalDateTime.now().format(RUN_NAME_TIME));
        Path best = bestCheckpoint != null ? bestCheckpoint : dir.resolve(RunDirectory.BEST_CHECKPOINT);
        checkBestFile(dir, best);
        checkNotAnotherRun(dir);
        return placement(dir, best);
    }

    /**
     * A resumed run's files: {@code runDir}, by default the checkpoint's directory; {@code bestCheckpoint}, by
     * default {@code best.ckpt} in that directory. Nothing read from the checkpoint chooses where the run writes: a
     * run that kept its best checkpoint outside its directory gives that file again to keep writing there. Throws
     * InvalidConfigurationException if the directory is a file, a new directory holds another run or the best
     * checkpoint would be the last.
     */
    Placement placeResumedRun(Path runDir, Path bestCheckpoint, Path checkpointFile) {
        Path checkpointDir = checkpointFile.toAbsolutePath().normalize().getParent();
        Path dir = runDir != null ? runDir : checkpointDir;
        Path best = bestCheckpoint != null ? bestCheckpoint : dir.resolve(RunDirectory.BEST_CHECKPOINT);
        checkBestFile(dir, best);
        if (!dir.toAbsolutePath().normalize().equals(checkpointDir)) {
            checkNotAnotherRun(dir);
        }
        return placement(dir, best);
    }

    private static Placement placement(Path dir, Path best) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidConfigurationException(
                    "runDir", dir, "is a file, not a directory; give a new or existing directory");
        }
        return new Placement(
                dir.toAbsolutePath().normalize(), best.toAbsolutePath().normalize());
    }

    /** Refuses to let a new run replace another run's checkpoints by accident. */
    private void checkNotAnotherRun(Path dir) {
        Path last = dir.resolve(RunDirectory.LAST_CHECKPOINT);
        if (!overwrite && Files.exists(last)) {
            throw new InvalidConfigurationException(
                    "runDir",
                    dir,
                    "already holds a run (" + last.getFileName()
                            + "): resume it, choose another directory, or enable {overwrite}");
        }
    }

    /**
     * Refuses a best checkpoint file that is the run's last checkpoint, or an existing file that is not a checkpoint
     * (a run's {@code summary.json}, a file of the user's) unless overwriting is allowed.
     */
    private void checkBestFile(Path dir, Path best) {
        Path last = dir.resolve(RunDirectory.LAST_CHECKPOINT).toAbsolutePath().normalize();
        if (best.toAbsolutePath().normalize().equals(last)) {
            throw new InvalidConfigurationException(
                    "bestCheckpoint", best, "must differ from the run's " + RunDirectory.LAST_CHECKPOINT);
        }
        OutputFiles.checkWritable("bestCheckpoint", best, OutputFiles.Kind.CHECKPOINT, overwrite, Map.of());
    }

    /**
     * A run resumed into another directory starts without a best checkpoint: copies the original one to
     * {@code bestFile} if it is the one the resumed checkpoint calls best, so that the new directory is complete
     * even if no later epoch improves. The original is looked for where the resumed run recorded it and beside the
     * resumed checkpoint; a file there that is not that checkpoint is only read, never replaced. Does nothing for a
     * new run or when {@code bestFile} exists. Throws ToolkitException naming a file that cannot be written.
     */
    static void carryBestCheckpointOver(ResumePlan resume, Path bestFile) {
        if (resume.checkpoint() == null || Files.exists(bestFile)) {
            return;
        }
        Path recorded = Path.of(resume.savedConfig().bestCheckpoint());
        Path beside = resume.file().toAbsolutePath().resolveSibling(recorded.getFileName());
        for (Path original : new Path[] {recorded, beside}) {
            if (!Files.isRegularFile(original)) {
                continue;
            }
            Checkpoint best;
            try {
                best = CheckpointFile.read(original);
            } catch (CheckpointFormatException e) {
                LOG.debug("Not carrying '{}' over: {}", original, e.getMessage());
                continue;
            }
            if (best.epoch() == resume.checkpoint().bestEpoch()) {
                AtomicFiles.write(bestFile, o -> Files.copy(original, o));
                LOG.debug("Copied the best checkpoint '{}' (epoch {}) to '{}'", original, best.epoch(), bestFile);
                return;
            }
        }
    }
}
