package org.mltoolkit.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runs of a sweep: every combination of the grid's values, each with every seed, as {@code train} options.
 *
 * <p>A grid axis is a {@code train} option without its dashes and a comma-separated list of values
 * ({@code lr=1e-3,3e-4}); the seeds are 1 to {@code seeds}, or the single seed of the options when {@code seeds} is
 * 0. Each run is named after its settings ({@code lr=1e-3_batch-size=128_seed=1}), which is also its run directory
 * under the sweep's directory: the same plan always names the same directories, so a task Spark runs again, or a
 * resumed sweep, finds the run it is meant to continue. Immutable.
 *
 * @param trainOptions the {@code train} options every run shares, in command-line order
 * @param grid         each axis's option name (no dashes) and values, in the order given
 * @param seeds        the number of seeds (1 to {@code seeds}); 0 for the options' own seed alone
 * @param threads      the compute threads of every run, which is also the cores each Spark task asks for
 */
public record SweepPlan(List<String> trainOptions, Map<String, List<String>> grid, int seeds, int threads) {

    /** Options the sweep sets for each run itself, which the shared options may therefore not hold. */
    static final List<String> RESERVED = List.of("run-dir", "resume", "model-fn", "verbose", "overwrite", "threads");

    /** One run: its name (and run directory's name), its grid settings and seed, and its complete options. */
    public record Run(String name, Map<String, String> settings, List<String> trainOptions) implements Serializable {}

    /**
     * Checks and copies the plan. Throws IllegalArgumentException, with a one-line message naming the value at fault when a shared option
     * is one the sweep sets itself, an axis repeats a shared option or has no or repeated values, {@code --seed} is
     * given with seeds, or two runs would share a directory name.
     */
    public SweepPlan {
        trainOptions = List.copyOf(trainOptions);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        grid.forEach((key, values) -> copy.put(key, List.copyOf(values)));
        grid = java.util.Collections.unmodifiableMap(copy);
        if (seeds < 0) {
            throw new IllegalArgumentException("invalid value '" + seeds + "' for --seeds: must be 0 or more");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("invalid value '" + threads + "' for --threads: must be 1 or more");
        }
        for (String reserved : RESERVED) {
            if (hasOption(trainOptions, reserved)) {
                throw new IllegalArgumentException(
                        "--" + reserved + " is set by the sweep for each run and cannot be given to it");
            }
        }
        if (seeds > 0 && hasOption(trainOptions, "seed")) {
            throw new IllegalArgumentException("--seed cannot be given with --seeds (the runs take seeds 1 to N)");
        }
        for (Map.Entry<String, List<String>> axis : grid.entrySet()) {
            String key = axis.getKey();
            if (RESERVED.contains(key) || (key.equals("seed") && seeds > 0)) {
                throw new IllegalArgumentException(
                        "invalid value '" + key + "' for --grid: not an option a sweep can vary");
            }
            if (hasOption(trainOptions, key)) {
                throw new IllegalArgumentException(
                        "invalid value '" + key + "' for --grid: also given as --" + key + "; give it in one place");
            }
            if (axis.getValue().isEmpty()
                    || new LinkedHashSet<>(axis.getValue()).size()
                            != axis.getValue().size()) {
                throw new IllegalArgumentException("invalid value '" + key + "=" + String.join(",", axis.getValue())
                        + "' for --grid: needs distinct values");
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (Run run : expand(trainOptions, grid, seeds)) {
            if (!names.add(run.name())) {
                throw new IllegalArgumentException(
                        "invalid value for --grid: two runs would share the directory name " + run.name());
            }
        }
    }

    /**
     * Parses {@code --grid} values, {@code KEY=V1,V2,...}, into axes in the order given. Throws
     * IllegalArgumentException, with a one-line message naming the value when it has no {@code =}, no key, or an axis repeats.
     */
    public static Map<String, List<String>> parseGrid(List<String> axes) {
        Map<String, List<String>> grid = new LinkedHashMap<>();
        for (String axis : axes) {
            int eq = axis.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "invalid value '" + axis + "' for --grid: must be OPTION=VALUE,VALUE,...");
            }
            String key = axis.substring(0, eq).replaceFirst("^-+", "");
            List<String> values = new ArrayList<>();
            for (String value : axis.substring(eq + 1).split(",", -1)) {
                if (value.isBlank()) {
                    throw new IllegalArgumentException("invalid value '" + axis + "' for --grid: has an empty value");
                }
                values.add(value.strip());
            }
            if (grid.put(key, values) != null) {
                throw new IllegalArgumentException(
                        "invalid value '" + key + "' for --grid: given twice; list its values once");
            }
        }
        return grid;
    }

    /** Every run, the grid's first axis outermost and the seed innermost. */
    public List<Run> runs() {
        return expand(trainOptions, grid, seeds);
    }

    private static List<Run> expand(List<String> shared, Map<String, List<String>> grid, int seeds) {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : grid.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> point : points) {
                for (String value : axis.getValue()) {
                    Map<String, String> extended = new LinkedHashMap<>(point);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        List<Run> runs = new ArrayList<>();
        for (Map<String, String> point : points) {
            if (seeds == 0) {
                runs.add(run(shared, point));
            }
            for (int seed = 1; seed <= seeds; seed++) {
                Map<String, String> seeded = new LinkedHashMap<>(point);
                seeded.put("seed", Integer.toString(seed));
                runs.add(run(shared, seeded));
            }
        }
        return runs;
    }

    private static Run run(List<String> shared, Map<String, String> settings) {
        List<String> options = new ArrayList<>(shared);
        List<String> parts = new ArrayList<>();
        settings.forEach((key, value) -> {
            options.add("--" + key);
            options.add(value);
            parts.add(key + "=" + value);
        });
        String name = parts.isEmpty() ? "run" : String.join("_", parts);
        name = name.replaceAll("[^A-Za-z0-9._=+-]", "_");
        return new Run(name, settings, options);
    }

    private static boolean hasOption(List<String> options, String name) {
        String option = "--" + name;
        return options.stream().anyMatch(o -> o.equals(option) || o.startsWith(option + "="));
    }
}
