package org.mltoolkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mltoolkit.core.ensemble.EnsembleFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code toolkit report RUN_DIR}: writes a run's page, {@code index.html} with its pictures, which opens from the
 * disk without a server or network; {@code toolkit report E.ens --out DIR} writes an ensemble's page (its members,
 * their curves and own test figures, and the ensemble's test evaluation). An ended run's best checkpoint is tested for the confusion heat map and the
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
            "The page opens from the disk (no server, no network). A run still going gets a page of its epochs so far.",
            "An ensemble file (report E.ens --out DIR) gets a page of its members, their learning curves and test "
                    + "figures beside the ensemble's, and the ensemble's heat map, mistakes and predictions."
        })
public final class ReportCommand extends ToolkitSubcommand {
    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR|ENSEMBLE",
            description = "The run directory (where train wrote config.json), or an ensemble file (.ens) written by"
                    + " the ensemble command.")
    private Path runDir;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where to write index.html and its pictures (default: RUN_DIR/" + RunReports.DIRECTORY
                    + "; required for an ensemble). The directory must be new, empty or hold an earlier report.")
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
        boolean ensemble = Files.isRegularFile(runDir) && EnsembleFile.isEnsemble(runDir);
        if (ensemble && out == null) {
            throw new ParameterException(
                    spec().commandLine(), runDir + " is an ensemble file: name the report's directory with --out DIR");
        }
        Path target = out != null ? out : runDir.resolve(RunReports.DIRECTORY);
        Path page;
        try (ConsoleProgress progress = toolkit().progress(err())) {
            page = ensemble
                    ? RunReports.writeEnsemble(toolkit(), runDir, target, !noTest, fetch, progress, err())
                    : RunReports.write(toolkit(), runDir, target, !noTest, fetch, progress, err());
        }
        out().println("Report: " + page);
        out().flush();
        return ExitCodes.OK;
    }
}
