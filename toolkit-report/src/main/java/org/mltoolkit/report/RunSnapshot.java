package org.mltoolkit.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.run.RunDirectory;
import org.mltoolkit.core.run.TrainingConfig;

/**
 * What a run directory holds at one moment: its configuration, the epochs finished so far and, once the run has
 * ended, its summary. Immutable.
 *
 * @param directory the run directory
 * @param config    the run's configuration ({@code config.json})
 * @param history   the epochs written to {@code metrics.jsonl} so far, in order
 * @param summary   {@code summary.json}, present once the run has ended
 * @param updated   when the run last wrote its metrics (or its configuration, before the first epoch)
 */
public record RunSnapshot(
        Path directory,
        TrainingConfig config,
        List<EpochMetrics> history,
        Optional<Map<String, Object>> summary,
        Instant updated) {
    public RunSnapshot {
        history = List.copyOf(history);
    }

    /**
     * Reads the run directory {@code directory}. Throws ToolkitException with one line naming the directory when it
     * is not a run directory (no {@code config.json}), or naming the file (and for {@code metrics.jsonl} the line)
     * that cannot be read.
     */
    public static RunSnapshot read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ToolkitException(directory + ": no such run directory");
        }
        RunDirectory run = new RunDirectory(directory);
        if (!Files.isRegularFile(run.config())) {
            throw new ToolkitException(
                    directory + " is not a run directory: it has no " + RunDirectory.CONFIG + " (train writes one)");
        }
        TrainingConfig config = run.readConfig();
        List<EpochMetrics> history = run.readMetrics();
        Optional<Map<String, Object>> summary = run.readSummary();
        Path newest = Files.exists(run.metrics()) ? run.metrics() : run.config();
        Instant updated;
        try {
            FileTime time = Files.getLastModifiedTime(newest);
            updated = time.toInstant();
        } catch (IOException e) {
            throw new ToolkitException("cannot read the time of " + newest + ": " + e, e);
        }
        return new RunSnapshot(directory, config, history, summary, updated);
    }

    /** True once the run has written its summary, that is when it ended normally. */
    public boolean ended() {
        return summary.isPresent();
    }

    /** The run's name as pages show it: the run directory's last name. */
    public String name() {
        Path name = directory.toAbsolutePath().normalize().getFileName();
        return name != null ? name.toString() : directory.toString();
    }

    /** A value of the summary, or null before the run ended or when the summary lacks it. */
    public Object summaryValue(String key) {
        return summary.map(s -> s.get(key)).orElse(null);
    }

    /** The epoch of the lowest validation loss so far, or 0 when no epoch has ended. */
    public int bestEpoch() {
        int best = 0;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (EpochMetrics m : history) {
            double loss = m.value(org.mltoolkit.core.metrics.ValidLoss.NAME);
            if (loss <= bestLoss) {
                bestLoss = loss;
                best = m.epoch();
            }
        }
        return best;
    }

    /** The configuration as {@code config.json} writes it: snake_case keys in order, maps as maps. */
    public Map<String, Object> configValues() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(
                            config.toJson(),
                            new com.fasterxml.jackson.core.type.TypeReference<
                                    java.util.LinkedHashMap<String, Object>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a configuration reads back its own JSON", e);
        }
    }
}
