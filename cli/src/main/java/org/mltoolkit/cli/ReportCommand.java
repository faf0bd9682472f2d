package org.mltoolkit.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code toolkit report RUN_DIR}: writes a run's page, {@code index.html} with its pictures, which opens from the
 * disk without a server or network. An ended run's best checkpoint is tested for the confusion heat map and the
 * pictures of predictions; its data is never downloaded unless {@code --fetch} is given.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write an HTML page of a run: learning curves, the test set's confusion heat map with per-class "
                    + "precision, recall and F1, the most confident mistakes and sample predictions, the "
                    + "configuration, summary, provenance and timings.",
            "The page opens from the disk (no server, no network). A run still going gets a page of its epochs so far."
        })
public final class ReportCommand extends ToolkitSubcommand {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory (where train wrote config.json).")
    private Path runDir;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where to write index.html and its pictures (default: RUN_DIR/" + RunReports.DIRECTORY
                    + "). The directory must be new, empty or hold an earlier report.")
    private Path out;

    @Option(
            names = "--fetch",
            description = "Fetch the dataset if it is missing, to test the best checkpoint (by default a report never "
                    + "downloads; without the data the page says it has no test predictions).")
    private boolean fetch;

    @Option(names = "--no-test", description = "Do not test the best checkpoint: no heat map, no pictures.")
    private boolean noTest;

    @Override
    public Integer call() {
        Path target = out != null ? out : runDir.resolve(RunReports.DIRECTORY);
        Path page;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            page = RunReports.write(toolkit(), runDir, target, !noTest, fetch, progress, err());
        }
        out().println("Report: " + page);
        out().flush();
        return ExitCodes.OK;
    }
}
