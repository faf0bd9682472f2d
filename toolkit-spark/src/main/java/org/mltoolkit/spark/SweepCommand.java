package org.mltoolkit.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.cli.ExitCodes;
import org.mltoolkit.cli.ToolkitCommand;
import org.mltoolkit.cli.ToolkitSubcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Unmatched;

/**
 * {@code toolkit sweep}: a grid of training runs, each one Spark task running {@code train}, gathered into
 * {@code DIR/sweep.json} and a table, best first. Options it does not know are {@code train} options shared by every
 * run; each run's options are checked as {@code train} would check them before Spark starts (a wrong one is a usage
 * error, exit 2). Exits 0 when every run finished, 1 when one failed (its error is in the table and the file).
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train every combination of --grid values (and seeds) as Spark tasks, each writing its usual run "
                    + "directory under DIR; then DIR/sweep.json and a table of the runs, best validation loss first.",
            "Any other option is a train option every run shares (--model cnn --epochs 5 ...). A failed run does "
                    + "not stop the others. Inside spark-submit, the master is spark-submit's."
        },
        footer = {
            "",
            "Example: toolkit sweep --model cnn --grid lr=1e-3,3e-4 --grid batch-size=128,256 --seeds 3 --out sweeps/a"
        })
public final class SweepCommand extends ToolkitSubcommand {
    @Option(
            names = "--grid",
            paramLabel = "OPTION=V1,V2",
            description = "A train option (without its dashes) and the values to try; repeatable, every "
                    + "combination is run.")
    private List<String> grid = new ArrayList<>();

    @Option(
            names = "--seeds",
            paramLabel = "N",
            description = "Run every combination with seeds 1 to N (default: once, with --seed or train's default).")
    private int seeds;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "The sweep's directory (new or empty): one run directory per run, and sweep.json.")
    private Path out;

    @Option(
            names = "--resume",
            paramLabel = "DIR",
            description = "Continue the sweep in DIR with its recorded plan: finished runs are kept, interrupted runs "
                    + "resume from their last checkpoint, the others start.")
    private Path resume;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master: local[*] (default), local[N], spark://HOST:PORT, yarn, ...")
    private String master;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Compute threads of each run, which is also the cores each Spark task takes "
                    + "(default: this machine's cores).")
    private Integer threads;

    @Unmatched
    private List<String> trainOptions = new ArrayList<>();

    @Override
    public Integer call() {
        SweepPlan plan = plan();
        Path dir = resume != null ? resume : out;
        for (SweepPlan.Run run : plan.runs()) {
            checkTrainOptions(run);
        }
        if (!toolkit().isDebug()) {
            // Spark's and Hadoop's warnings about this machine's set-up (its address, native libraries) are not the
            // user's business unless --debug; their errors still show.
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "error");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
        }
        List<String> global = new ArrayList<>(List.of(
                "--data-dir", toolkit().dataManager().dataDir().toAbsolutePath().toString()));
        if (toolkit().isDebug()) {
            global.add("--debug");
        }
        int runs = plan.runs().size();
        err().printf(
                        Locale.ROOT,
                        "sweep: %d run%s, %d thread%s each, into %s%n",
                        runs,
                        runs == 1 ? "" : "s",
                        plan.threads(),
                        plan.threads() == 1 ? "" : "s",
                        dir);
        err().flush();
        List<RunOutcome> outcomes = new Sweep(plan, dir)
                .master(master)
                .toolkit(global, toolkit().pluginsDir())
                .run();
        printTable(out(), outcomes);
        long failed = outcomes.stream().filter(o -> !o.finished()).count();
        out().println("Sweep: " + dir.resolve(SweepFile.NAME) + " (" + (runs - failed) + " finished, " + failed
                + " failed)");
        out().flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR;
    }

    /** The plan from the options, or from DIR/sweep.json with --resume; usage errors for conflicting options. */
    private SweepPlan plan() {
        if ((out == null) == (resume == null)) {
            throw new ParameterException(spec().commandLine(), "give either --out DIR or --resume DIR");
        }
        try {
            if (resume != null) {
                if (!grid.isEmpty() || seeds != 0 || threads != null || !trainOptions.isEmpty()) {
                    throw new ParameterException(
                            spec().commandLine(),
                            "--resume takes the plan recorded in " + resume.resolve(SweepFile.NAME)
                                    + "; only --master may be given with it");
                }
                return SweepFile.readPlan(resume);
            }
            checkNewDirectory(out);
            int cores = Runtime.getRuntime().availableProcessors();
            return new SweepPlan(trainOptions, SweepPlan.parseGrid(grid), seeds, threads != null ? threads : cores);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec().commandLine(), e.getMessage());
        }
    }

    private static void checkNewDirectory(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new ToolkitException(dir + ": is a file; --out needs a new or empty directory");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new ToolkitException(dir + ": is not empty; --out needs a new or empty directory"
                            + (Files.exists(dir.resolve(SweepFile.NAME)) ? " (to continue its sweep: --resume)" : ""));
                }
            } catch (IOException e) {
                throw new ToolkitException(dir + ": cannot list: " + e.getMessage(), e);
            }
        }
    }

    /** Parses the run's {@code train} command line as {@code train} would, without running it. */
    private void checkTrainOptions(SweepPlan.Run run) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(run.trainOptions());
        args.addAll(List.of("--run-dir", "x", "--threads", "1", "--verbose", "0"));
        try (ToolkitCommand root = new ToolkitCommand(Map.of(), null)) {
            ToolkitCommand.commandLine(root).parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new ParameterException(
                    spec().commandLine(),
                    (run.settings().isEmpty()
                                    ? "train refuses the options: "
                                    : "run " + run.name() + ": train refuses its options: ")
                            + e.getMessage());
        }
    }

    /** The table of the runs, best first: rank, name, status, figures; a failed run's error under the table. */
    static void printTable(PrintWriter out, List<RunOutcome> outcomes) {
        int width = Math.max(
                3, outcomes.stream().mapToInt(o -> o.name().length()).max().orElse(3));
        String row = "%-4s  %-" + width + "s  %-8s  %15s  %13s  %10s  %10s%n";
        out.printf(
                Locale.ROOT, row, "rank", "run", "status", "best_valid_loss", "test_accuracy", "best_epoch", "seconds");
        int rank = 0;
        for (RunOutcome o : outcomes) {
            if (o.finished()) {
                out.printf(
                        Locale.ROOT,
                        row,
                        Integer.toString(++rank),
                        o.name(),
                        o.status(),
                        String.format(Locale.ROOT, "%.4e", o.bestValidLoss()),
                        String.format(Locale.ROOT, "%.4f", o.testAccuracy()),
                        o.bestEpoch(),
                        String.format(Locale.ROOT, "%.1f", o.trainSeconds()));
            } else {
                out.println(String.format(Locale.ROOT, row, "-", o.name(), o.status(), "", "", "", "")
                        .stripTrailing());
            }
        }
        for (RunOutcome o : outcomes) {
            if (!o.finished()) {
                out.println("failed: " + o.name() + ": " + o.error());
            }
        }
    }
}
