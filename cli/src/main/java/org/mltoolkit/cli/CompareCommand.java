package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.List;
import org.mltoolkit.report.ComparisonReport;
import org.mltoolkit.report.RunSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code toolkit compare RUN_DIR RUN_DIR... --out DIR}: a page with the runs' curves overlaid and a table of the
 * settings in which they differ and of their results, best first. Reads the run directories only.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write an HTML page comparing runs: their learning curves overlaid (one colour per run), the settings "
                    + "that differ, and their results, best first (by test accuracy).",
            "Runs still going are included with their epochs so far."
        })
public final class CompareCommand extends ToolkitSubcommand {
    @Parameters(arity = "2..*", paramLabel = "RUN_DIR", description = "Two or more run directories.")
    private List<Path> runDirs;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Where to write index.html; the directory must be new, empty or hold an earlier report.")
    private Path out;

    @Override
    public Integer call() {
        List<RunSnapshot> runs = runDirs.stream().map(RunSnapshot::read).toList();
        Path page = new ComparisonReport(runs, ToolkitCommand.Version.version()).write(out);
        out().println("Comparison: " + page);
        out().flush();
        return ExitCodes.OK;
    }
}
