package org.mltoolkit.core.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.run.RunDirectory;

/**
 * Picks ensemble members from sweeps: reads {@code DIR/sweep.json} of each sweep named and returns the best
 * checkpoints of the {@code K} finished runs, over all of them, with the lowest validation loss (never chosen by
 * test accuracy, which would let the test set pick the ensemble). The fields read, per entry of the top-level array
 * {@code runs}:
 * <ul>
 *   <li>{@code run_dir}: the run directory, relative to {@code DIR} or absolute; its {@code best.ckpt} is the
 *       member;</li>
 *   <li>{@code status}: {@code finished} runs are candidates;</li>
 *   <li>{@code best_valid_loss}: the ranking, lowest first (ties keep the file's order).</li>
 * </ul>
 * Other fields ({@code settings}, {@code test_accuracy}, ...) are ignored. The file is written when the sweep ends,
 * so a run it lists with another status is a candidate too when its directory holds the {@code summary.json} of a
 * run that has since finished (a sweep still running, or stopped and not resumed), ranked by that summary's
 * {@code best_valid_loss}.
 */
public final class SweepSelection {
    /** The sweep's summary file in its directory. */
    public static final String SWEEP_FILE = "sweep.json";
    /** The status of a run that completed. */
    public static final String FINISHED = "finished";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SweepSelection() {}

    private record Candidate(Path checkpoint, double loss) {}

    /**
     * The best checkpoints of the {@code top} best finished runs of the sweeps in {@code sweepDirs}, ranked together
     * (a run named by two of them counts once; ties keep the sweeps' order). Throws InvalidConfigurationException
     * when {@code top < 1} or no sweep is named, and ToolkitException naming the file when one is missing or not
     * such a summary, or when the sweeps have fewer than {@code top} finished runs.
     */
    public static List<Path> best(List<Path> sweepDirs, int top) {
        if (top < 1) {
            throw new InvalidConfigurationException("top", top, "must be at least 1");
        }
        if (sweepDirs.isEmpty()) {
            throw new InvalidConfigurationException("sweeps", sweepDirs, "name at least one sweep directory");
        }
        Map<Path, Candidate> finished = new LinkedHashMap<>();
        for (Path sweepDir : sweepDirs) {
            for (Candidate candidate : finishedRuns(sweepDir)) {
                finished.putIfAbsent(candidate.checkpoint().toAbsolutePath().normalize(), candidate);
            }
        }
        if (finished.size() < top) {
            String files = sweepDirs.stream()
                    .map(d -> d.resolve(SWEEP_FILE).toString())
                    .distinct()
                    .collect(Collectors.joining(", "));
            throw new ToolkitException(
                    files + ": " + finished.size() + " finished runs, fewer than the " + top + " asked for");
        }
        return finished.values().stream()
                .sorted(Comparator.comparingDouble(Candidate::loss))
                .limit(top)
                .map(Candidate::checkpoint)
                .toList();
    }

    /** The finished runs of the sweep in {@code sweepDir}, in its file's order. */
    private static List<Candidate> finishedRuns(Path sweepDir) {
        Path file = sweepDir.resolve(SWEEP_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ToolkitException(file + ": no such file; is " + sweepDir + " a sweep's directory?", e);
        } catch (IOException e) {
            throw new ToolkitException(file + ": not a readable sweep summary: " + e.getMessage(), e);
        }
        JsonNode runs = root == null ? null : root.get("runs");
        if (runs == null || !runs.isArray()) {
            throw new ToolkitException(file + ": not a sweep summary (no array 'runs')");
        }
        List<Candidate> finished = new ArrayList<>();
        int index = 0;
        for (JsonNode run : runs) {
            index++;
            JsonNode dir = run.get("run_dir");
            JsonNode loss = run.get("best_valid_loss");
            if (!FINISHED.equals(run.path("status").asText())) {
                loss = dir != null && dir.isTextual() ? finishedSince(file, sweepDir.resolve(dir.asText())) : null;
                if (loss == null) {
                    continue;
                }
            }
            if (dir == null || !dir.isTextual() || loss == null || !loss.isNumber()) {
                throw new ToolkitException(file + ": run " + index
                        + " is finished but lacks a text 'run_dir' or a number 'best_valid_loss'");
            }
            finished.add(new Candidate(sweepDir.resolve(dir.asText()).resolve("best.ckpt"), loss.asDouble()));
        }
        return finished;
    }

    /**
     * The best validation loss in the summary of the run in {@code runDir} if it has finished (its summary exists),
     * else null. Throws ToolkitException naming the summary when it cannot be read or lacks the loss.
     */
    private static JsonNode finishedSince(Path sweepFile, Path runDir) {
        Path summary = runDir.resolve(RunDirectory.SUMMARY);
        if (!Files.isRegularFile(summary)) {
            return null;
        }
        try {
            JsonNode loss = JSON.readTree(Files.readString(summary)).get("best_valid_loss");
            if (loss == null || !loss.isNumber()) {
                throw new ToolkitException(summary + ": a finished run of the sweep in " + sweepFile.getParent()
                        + " without a number 'best_valid_loss'");
            }
            return loss;
        } catch (IOException e) {
            throw new ToolkitException(summary + ": not a readable run summary: " + e.getMessage(), e);
        }
    }
}
