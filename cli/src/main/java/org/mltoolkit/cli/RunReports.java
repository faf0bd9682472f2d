package org.mltoolkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.EvaluationResult;
import org.mltoolkit.core.run.RunDirectory;
import org.mltoolkit.report.EnsembleReport;
import org.mltoolkit.report.Provenance;
import org.mltoolkit.report.RunReport;
import org.mltoolkit.report.RunSnapshot;

/**
 * What {@code report} and {@code train --report} share: the default place of a run's page, the provenance of a
 * run's data, and the test evaluation of an ended run's best checkpoint, which the page's heat map and pictures
 * come from. A report never downloads data unless asked to.
 */
final class RunReports {
    /** The page's directory inside the run directory, unless {@code --out} names another. */
    static final String DIRECTORY = "report";

    private RunReports() {}

    /**
     * The toolkit's version with the SHA-256 of the run's data files as they are on this machine, or a note saying
     * why they are not listed (no plugin for the dataset, files missing). Reads every data file once.
     */
    static Provenance provenance(ToolkitCommand toolkit, RunSnapshot run) {
        return provenance(toolkit, run.config().dataset());
    }

    /** {@link #provenance(ToolkitCommand, RunSnapshot)} of the data of {@code dataset}. */
    private static Provenance provenance(ToolkitCommand toolkit, String dataset) {
        String version = ToolkitCommand.Version.version();
        try {
            DatasetProvider provider = toolkit.extensions().dataset(dataset);
            Path dataDir = toolkit.dataManager().dataDir();
            Map<String, String> digests = Provenance.sha256(provider.files(dataDir));
            if (digests.isEmpty()) {
                return Provenance.withoutData(
                        version, "dataset '" + dataset + "' lists no files in " + dataDir + " to checksum");
            }
            return new Provenance(version, digests, null);
        } catch (ToolkitException e) {
            return Provenance.withoutData(version, e.getMessage());
        }
    }

    /**
     * Evaluates the best checkpoint of the ended run {@code run} on its dataset's test split, loading the data with
     * the options the run recorded; missing data is fetched only when {@code fetch}. Throws ToolkitException naming
     * the checkpoint, plugin or data at fault when the evaluation cannot be done.
     */
    static EvaluationResult evaluateBest(
            ToolkitCommand toolkit, RunSnapshot run, boolean fetch, ProgressListener progress) {
        Path best = bestCheckpoint(run);
        return Evaluation.builder()
                .lookup(toolkit.extensions())
                .checkpoint(best)
                .datasetLoader((provider, options) -> toolkit.dataManager().load(provider, options, !fetch, progress))
                .build()
                .run();
    }

    /**
     * The run's best checkpoint: the file its configuration names, or {@code best.ckpt} in the run directory when
     * the run moved. Throws ToolkitException naming both places when neither exists.
     */
    static Path bestCheckpoint(RunSnapshot run) {
        Path named = Path.of(run.config().bestCheckpoint());
        if (Files.isRegularFile(named)) {
            return named;
        }
        Path inside = run.directory().resolve(RunDirectory.BEST_CHECKPOINT);
        if (Files.isRegularFile(inside)) {
            return inside;
        }
        throw new ToolkitException("the run's best checkpoint is neither " + named + " nor " + inside);
    }

    /**
     * Writes the page of {@code runDir} into {@code out}: for an ended run, with the best checkpoint's test
     * evaluation unless {@code evaluate} is false; when the evaluation fails the page says why instead and a
     * warning goes to {@code err}. Throws ToolkitException when the run directory cannot be read or the page cannot
     * be written.
     */
    static Path write(
            ToolkitCommand toolkit,
            Path runDir,
            Path out,
            boolean evaluate,
            boolean fetch,
            ProgressListener progress,
            java.io.PrintWriter err) {
        RunSnapshot run = RunSnapshot.read(runDir);
        RunReport.Builder page = RunReport.builder().run(run).provenance(provenance(toolkit, run));
        if (!run.ended()) {
            page.testNote("the run has not ended; its best checkpoint is tested when it ends");
        } else if (!evaluate) {
            page.testNote("not asked for (--no-test)");
        } else {
            try {
                page.test(evaluateBest(toolkit, run, fetch, progress));
            } catch (ToolkitException e) {
                err.println("warning: the page shows no test predictions: " + e.getMessage());
                page.testNote(e.getMessage());
            }
        }
        return page.build().write(out);
    }

    /**
     * Writes the page of the ensemble file {@code ensembleFile} into {@code out}: unless {@code evaluate} is false,
     * with the ensemble's test evaluation and each member's own figures beside it (on the data of the first
     * member's run, fetched only when {@code fetch}); when they fail the page says why instead and a warning goes to
     * {@code err}. Throws CheckpointFormatException for a damaged ensemble file, and ToolkitException when the page
     * cannot be written.
     */
    static Path writeEnsemble(
            ToolkitCommand toolkit,
            Path ensembleFile,
            Path out,
            boolean evaluate,
            boolean fetch,
            ProgressListener progress,
            java.io.PrintWriter err) {
        List<EnsembleFile.Member> members = EnsembleFile.read(ensembleFile);
        EnsembleReport.Builder page = EnsembleReport.builder()
                .file(ensembleFile)
                .members(members)
                .provenance(provenance(toolkit, members.get(0).checkpoint().datasetName()));
        if (!evaluate) {
            page.testNote("not asked for (--no-test)");
        } else {
            try {
                Evaluation evaluation = Evaluation.builder()
                        .lookup(toolkit.extensions())
                        .checkpoint(ensembleFile)
                        .datasetLoader(
                                (provider, options) -> toolkit.dataManager().load(provider, options, !fetch, progress))
                        .build();
                page.test(evaluation.run()).memberTests(evaluation.runMembers());
            } catch (ToolkitException e) {
                err.println("warning: the page shows no test predictions: " + e.getMessage());
                page.testNote(e.getMessage());
            }
        }
        return page.build().write(out);
    }
}
