package org.mltoolkit.core.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.engine.EpochMetrics;

/** The files of a run directory. Every write replaces its file atomically. */
public final class RunDirectory {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String LAST_CHECKPOINT = "last.ckpt";
    public static final String BEST_CHECKPOINT = "best.ckpt";

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

    /** Replaces {@code config.json}; throws ToolkitException naming the file if it cannot. */
    void writeConfig(TrainingConfig config) {
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

    /** Deletes {@code summary.json} if it exists; throws ToolkitException naming it if it cannot. */
    void removeSummary() {
        try {
            java.nio.file.Files.deleteIfExists(summary());
        } catch (java.io.IOException e) {
            throw new org.mltoolkit.api.ToolkitException("cannot delete " + summary() + ": " + e, e);
        }
    }

    /** Replaces {@code summary.json}. */
    void writeSummary(Map<String, Object> summary) {
        AtomicFiles.writeString(summary(), RunJson.pretty(summary));
    }
}
