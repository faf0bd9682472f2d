package org.mltoolkit.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.engine.EpochMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a run directory. Every write replaces its file atomically; the readers serve tools that look at a
 * run, finished or still going, from outside.
 */
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

    /**
     * Reads {@code config.json}. Throws ToolkitException naming the file when it is missing, unreadable or not a
     * training configuration.
     */
    public TrainingConfig readConfig() {
        try {
            return TrainingConfig.fromJson(Files.readString(config()));
        } catch (IOException e) {
            throw new ToolkitException("cannot read " + config() + ": " + e, e);
        } catch (ToolkitException e) {
            throw new ToolkitException(config() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code metrics.jsonl}, one epoch a line; an absent file is an empty history (a run before its first
     * epoch ended). Blank lines are skipped. Throws ToolkitException naming the file and the line number of the
     * first line that is not a metrics row, or when the file cannot be read.
     */
    public List<EpochMetrics> readMetrics() {
        List<String> lines;
        try {
            if (!Files.exists(metrics())) {
                return List.of();
            }
            lines = Files.readAllLines(metrics());
        } catch (IOException e) {
            throw new ToolkitException("cannot read " + metrics() + ": " + e, e);
        }
        List<EpochMetrics> history = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                history.add(RunJson.MAPPER.readValue(line, EpochMetrics.class));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new ToolkitException(
                        metrics() + " line " + (i + 1) + ": not a metrics row: "
                                + reason.lines().findFirst().orElse(""),
                        e);
            }
        }
        return history;
    }

    /**
     * Reads {@code summary.json}, which exists once the run has ended; empty before. Throws ToolkitException naming
     * the file when it cannot be read or is not a JSON object.
     */
    public Optional<Map<String, Object>> readSummary() {
        if (!Files.exists(summary())) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunJson.MAPPER.readValue(
                    Files.readString(summary()), new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (JsonProcessingException e) {
            throw new ToolkitException(
                    summary() + ": not a run summary: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""),
                    e);
        } catch (IOException e) {
            throw new ToolkitException("cannot read " + summary() + ": " + e, e);
        }
    }
}
