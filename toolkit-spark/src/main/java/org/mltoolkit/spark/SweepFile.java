package org.mltoolkit.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;

/**
 * {@code DIR/sweep.json}: a sweep's plan and its runs' results, written atomically when the sweep starts (every run
 * {@code pending}) and when it ends.
 *
 * <p>The object holds {@code format} ({@code mltoolkit-sweep}), {@code version} (1), the plan ({@code
 * train_options}, {@code grid}, {@code seeds}, {@code threads}), and {@code runs}: per run its {@code name}, {@code
 * run_dir} (relative to DIR), {@code settings}, {@code status} ({@code pending}, {@code finished} or {@code failed}),
 * {@code error}, and for a finished run {@code best_epoch}, {@code best_valid_loss}, {@code test_loss}, {@code
 * test_accuracy} and {@code train_seconds}. The runs are listed best first: finished runs by validation loss, then
 * the others in the plan's order. {@code toolkit ensemble --from-sweep} reads {@code run_dir}, {@code status} and
 * {@code best_valid_loss}; {@code sweep --resume} reads the plan.
 */
final class SweepFile {
    static final String NAME = "sweep.json";
    static final String PENDING = "pending";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepFile() {}

    /** Writes the plan with every run pending. Replaces {@code dir/sweep.json} atomically. */
    static void writePending(Path dir, SweepPlan plan) {
        List<RunOutcome> pending = new ArrayList<>();
        for (SweepPlan.Run run : plan.runs()) {
            pending.add(new RunOutcome(run.name(), run.settings(), PENDING, null, null, null, null, null, null, null));
        }
        write(dir, plan, pending);
    }

    /** Writes the plan and {@code outcomes} (already in the order to list). Replaces {@code dir/sweep.json}. */
    static void write(Path dir, SweepPlan plan, List<RunOutcome> outcomes) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "mltoolkit-sweep");
        root.put("version", 1);
        ArrayNode options = root.putArray("train_options");
        plan.trainOptions().forEach(options::add);
        ObjectNode grid = root.putObject("grid");
        plan.grid().forEach((key, values) -> values.forEach(grid.withArray(key)::add));
        root.put("seeds", plan.seeds());
        root.put("threads", plan.threads());
        ArrayNode runs = root.putArray("runs");
        for (RunOutcome o : outcomes) {
            ObjectNode run = runs.addObject();
            run.put("name", o.name());
            run.put("run_dir", o.name());
            ObjectNode settings = run.putObject("settings");
            o.settings().forEach(settings::put);
            run.put("status", o.status());
            run.put("error", o.error());
            if (o.finished()) {
                run.put("best_epoch", o.bestEpoch());
                run.put("best_valid_loss", o.bestValidLoss());
                run.put("test_loss", o.testLoss());
                run.put("test_accuracy", o.testAccuracy());
                run.put("train_seconds", o.trainSeconds());
            }
        }
        try {
            AtomicFiles.writeString(dir.resolve(NAME), JSON.writeValueAsString(root) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + NAME, e);
        }
    }

    /**
     * Reads the plan of {@code dir/sweep.json}. Throws ToolkitException naming the file when it is missing, is not
     * JSON or lacks a field of the plan.
     */
    static SweepPlan readPlan(Path dir) {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            throw new ToolkitException(file + ": no sweep there (the file is missing)");
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (!"mltoolkit-sweep".equals(root.path("format").asText())) {
                throw new ToolkitException(file + ": not a sweep file (format is not mltoolkit-sweep)");
            }
            List<String> options = new ArrayList<>();
            root.path("train_options").forEach(o -> options.add(o.asText()));
            Map<String, List<String>> grid = new LinkedHashMap<>();
            root.path("grid").fields().forEachRemaining(axis -> {
                List<String> values = new ArrayList<>();
                axis.getValue().forEach(v -> values.add(v.asText()));
                grid.put(axis.getKey(), values);
            });
            if (!root.path("seeds").isInt() || !root.path("threads").isInt()) {
                throw new ToolkitException(file + ": the plan lacks 'seeds' or 'threads'");
            }
            return new SweepPlan(
                    options,
                    grid,
                    root.get("seeds").asInt(),
                    root.get("threads").asInt());
        } catch (IOException e) {
            throw new ToolkitException(file + ": cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ToolkitException(file + ": " + e.getMessage(), e);
        }
    }
}
