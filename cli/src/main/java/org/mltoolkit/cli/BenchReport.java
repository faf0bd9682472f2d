package org.mltoolkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The figures {@code toolkit bench} gathered, per model and implementation ({@code toolkit}, {@code pytorch}), one
 * JSON object per measured process; and what is made of them: the median of each figure over the rounds, the ratio
 * of the toolkit's median to PyTorch's for the same model, and the table, JSON document and Markdown section that
 * show them. Runs are added as they finish; nothing is measured here.
 */
final class BenchReport {
    /** The implementation measured by this toolkit. */
    static final String TOOLKIT = "toolkit";

    /** The implementation measured by the PyTorch script. */
    static final String PYTORCH = "pytorch";

    private final Map<String, Map<String, List<ObjectNode>>> runs = new LinkedHashMap<>();
    private final ObjectNode header;

    /**
     * A report whose JSON starts with {@code header} (date, command, machine, settings). The header is kept, not
     * copied: what is put into it later still shows.
     */
    BenchReport(ObjectNode header) {
        this.header = header;
    }

    /** Adds one measured process's figures for {@code model}; its {@code implementation} field says whose. */
    void add(String model, ObjectNode figures) {
        String implementation = figures.path("implementation").asText(TOOLKIT);
        runs.computeIfAbsent(model, m -> new LinkedHashMap<>())
                .computeIfAbsent(implementation, i -> new ArrayList<>())
                .add(figures);
    }

    /** The models in the order their first run was added. */
    List<String> models() {
        return List.copyOf(runs.keySet());
    }

    /** True when PyTorch was measured for {@code model}. */
    boolean hasPytorch(String model) {
        return !runsOf(model, PYTORCH).isEmpty();
    }

    /** The median of {@code figure} over {@code implementation}'s runs of {@code model}; empty when none has it. */
    OptionalDouble median(String model, String implementation, BenchFigure figure) {
        List<Double> values = new ArrayList<>();
        for (ObjectNode run : runsOf(model, implementation)) {
            JsonNode value = run.get(figure.key());
            if (value != null && value.isNumber()) {
                values.add(value.asDouble());
            }
        }
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(BenchMeasurement.percentile(
                values.stream().mapToDouble(Double::doubleValue).toArray(), 0.5));
    }

    /**
     * The toolkit's median of {@code figure} for {@code model} divided by PyTorch's for the same model; empty when
     * either is missing or PyTorch's is zero.
     */
    OptionalDouble ratio(String model, BenchFigure figure) {
        OptionalDouble ours = median(model, TOOLKIT, figure);
        OptionalDouble theirs = median(model, PYTORCH, figure);
        if (ours.isEmpty() || theirs.isEmpty() || theirs.getAsDouble() == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(ours.getAsDouble() / theirs.getAsDouble());
    }

    /**
     * The whole report as one JSON document: the header's fields, then under {@code models} for each model every
     * run of each implementation, the medians and the ratios (each with the direction that is better).
     */
    ObjectNode toJson() {
        ObjectNode root = header.deepCopy();
        ArrayNode models = root.putArray("models");
        for (String model : models()) {
            ObjectNode entry = models.addObject();
            entry.put("model", model);
            for (String implementation : List.of(TOOLKIT, PYTORCH)) {
                List<ObjectNode> measured = runsOf(model, implementation);
                if (measured.isEmpty()) {
                    continue;
                }
                ObjectNode node = entry.putObject(implementation);
                ArrayNode array = node.putArray("runs");
                measured.forEach(array::add);
                ObjectNode medians = node.putObject("median");
                for (BenchFigure figure : BenchFigure.values()) {
                    OptionalDouble value = median(model, implementation, figure);
                    if (value.isPresent()) {
                        medians.put(figure.key(), value.getAsDouble());
                    } else {
                        medians.putNull(figure.key());
                    }
                }
            }
            if (hasPytorch(model)) {
                ObjectNode ratios = entry.putObject("ratios");
                for (BenchFigure figure : BenchFigure.values()) {
                    ObjectNode ratio = ratios.putObject(figure.key());
                    OptionalDouble value = ratio(model, figure);
                    if (value.isPresent()) {
                        ratio.put("toolkit_over_pytorch", value.getAsDouble());
                    } else {
                        ratio.putNull("toolkit_over_pytorch");
                    }
                    ratio.put("better", figure.better().word());
                }
            }
        }
        return root;
    }

    /** The table printed on the console: one block per model, a row per figure. */
    String table() {
        StringBuilder text = new StringBuilder();
        for (String model : models()) {
            boolean pytorch = hasPytorch(model);
            text.append(String.format(Locale.ROOT, "%nmodel %s (%s)%n", model, describeRuns(model)));
            text.append(String.format(
                    Locale.ROOT,
                    "  %-28s %12s%s%n",
                    "figure",
                    TOOLKIT,
                    pytorch ? String.format(Locale.ROOT, " %12s %12s  %s", PYTORCH, "ours/theirs", "better") : ""));
            for (BenchFigure figure : BenchFigure.values()) {
                text.append(String.format(
                        Locale.ROOT,
                        "  %-28s %12s",
                        figure.label(),
                        format(median(model, TOOLKIT, figure), figure.decimals())));
                if (pytorch) {
                    text.append(String.format(
                            Locale.ROOT,
                            " %12s %12s  %s",
                            format(median(model, PYTORCH, figure), figure.decimals()),
                            format(ratio(model, figure), 2),
                            figure.better().word()));
                }
                text.append(System.lineSeparator());
            }
        }
        return text.toString();
    }

    /**
     * The Markdown table: a row per model and figure with the toolkit's median, PyTorch's, their ratio and the
     * better direction (the PyTorch columns only when PyTorch was measured).
     */
    String markdownTable() {
        boolean pytorch = models().stream().anyMatch(this::hasPytorch);
        StringBuilder text = new StringBuilder();
        text.append(
                pytorch
                        ? "| model | figure | toolkit | PyTorch | toolkit / PyTorch | better |\n| --- | --- | ---: | ---: | ---: | --- |\n"
                        : "| model | figure | toolkit |\n| --- | --- | ---: |\n");
        for (String model : models()) {
            for (BenchFigure figure : BenchFigure.values()) {
                text.append(String.format(
                        Locale.ROOT,
                        "| `%s` | %s | %s |",
                        model,
                        figure.label(),
                        format(median(model, TOOLKIT, figure), figure.decimals())));
                if (pytorch) {
                    text.append(String.format(
                            Locale.ROOT,
                            " %s | %s | %s |",
                            format(median(model, PYTORCH, figure), figure.decimals()),
                            format(ratio(model, figure), 2),
                            figure.better().word()));
                }
                text.append('\n');
            }
        }
        return text.toString();
    }

    /** What the runs of {@code model} were: steps, warm-up, batch size, threads, rounds and accuracy reached. */
    String describeRuns(String model) {
        List<ObjectNode> ours = runsOf(model, TOOLKIT);
        if (ours.isEmpty()) {
            return "not measured";
        }
        ObjectNode first = ours.get(0);
        String steps = first.path("full_epoch").asBoolean()
                ? "one full epoch of " + first.path("train_steps").asInt() + " steps"
                : first.path("train_steps").asInt() + " timed steps";
        String accuracy = runsOf(model, TOOLKIT).stream()
                .map(run -> String.format(
                        Locale.ROOT, "%.4f", run.path("validation_accuracy").asDouble()))
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
        String theirs = runsOf(model, PYTORCH).stream()
                .map(run -> String.format(
                        Locale.ROOT, "%.4f", run.path("validation_accuracy").asDouble()))
                .reduce((a, b) -> a + ", " + b)
                .map(a -> "; PyTorch " + a)
                .orElse("");
        return String.format(
                Locale.ROOT,
                "%s after %d warm-up, batch %d, %d threads, %d round%s; validation accuracy after them %s%s",
                steps,
                first.path("warmup_steps").asInt(),
                first.path("batch_size").asInt(),
                first.path("threads").asInt(),
                ours.size(),
                ours.size() == 1 ? "" : "s",
                accuracy,
                theirs);
    }

    private List<ObjectNode> runsOf(String model, String implementation) {
        return runs.getOrDefault(model, Map.of()).getOrDefault(implementation, List.of());
    }

    private static String format(OptionalDouble value, int decimals) {
        return value.isPresent() ? String.format(Locale.ROOT, "%,." + decimals + "f", value.getAsDouble()) : "-";
    }
}
