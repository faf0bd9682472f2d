package org.mltoolkit.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.engine.EpochMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files of a run directory. Every write replaces its file atomically. */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String LAST_CHECKPOINT = "last.ckpt";
    public static final String BEST_CHECKPOINT = "best.ckpt";

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    private final Path path;

    public RunDirectory(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public Path config() {
        return path.resolve(CONFIG);
    }

    public Path metrics() {
        return path.resolve(METRICS);
    }

    public Path summary() {
        return path.resolve(SUMMARY);
    }

    public Path lastCheckpoint() {
        return path.resolve(LAST_CHECKPOINT);
    }

    /**
     * Readies the directory for a run with {@code config}: deletes temporary files a crashed write left beside the
     * run's files (the best checkpoint included, wherever it lies), deletes {@code summary.json} (it would describe
     * checkpoints this run is about to replace) and writes {@code config.json}. Throws ToolkitException naming the
     * file that cannot be deleted or written.
     */
    void start(TrainingConfig config) {
        for (Path file : List.of(config(), metrics(), summary(), lastCheckpoint(), Path.of(config.bestCheckpoint()))) {
            int removed = AtomicFiles.removeLeftovers(file);
            if (removed > 0) {
                LOG.debug("Removed {} temporary file(s) an interrupted write left beside '{}'", removed, file);
            }
        }
        try {
            Files.deleteIfExists(summary());
        } catch (IOException e) {
            throw new ToolkitException("cannot delete " + summary() + ": " + e, e);
        }
        AtomicFiles.writeString(config(), config.toJson());
    }

    /** Replaces {@code metrics.jsonl} with one line per epoch of {@code history}. */
    void writeMetrics(List<EpochMetrics> history) {
        StringBuilder text = new StringBuilder();
        for (EpochMetrics m : history) {
            text.append(RunJson.line(m)).append('\n');
        }
        AtomicFiles.writeString(metrics(), text.toString());
    }

    /** Replaces {@code summary.json}. */
    void writeSummary(Map<String, Object> summary) {
        AtomicFiles.writeString(summary(), RunJson.pretty(summary));
    }
}
