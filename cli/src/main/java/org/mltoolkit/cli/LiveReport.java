package org.mltoolkit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.engine.Event;
import org.mltoolkit.core.run.TrainingRunBuilder;
import org.mltoolkit.report.Provenance;
import org.mltoolkit.report.RunReport;
import org.mltoolkit.report.RunSnapshot;

/**
 * {@code train --report}: keeps {@code RUN_DIR/report/index.html} current while the run goes, so that it can be
 * watched in a browser. The page is written when the run starts and after every epoch's validation (from the files
 * the run has just written) and reloads itself; when the run fails the page says so and stops reloading; when it
 * ends the page gets the best checkpoint's test evaluation and stops reloading. A page that cannot be written is
 * one warning on the error stream, and training goes on.
 */
final class LiveReport {
    private final ToolkitCommand toolkit;
    private final PrintWriter err;
    private Path runDir;
    private Provenance provenance;
    private boolean warned;

    LiveReport(ToolkitCommand toolkit, PrintWriter err) {
        this.toolkit = toolkit;
        this.err = err;
    }

    /** Writes the page when the run starts, after each epoch, and when it fails. */
    void attach(TrainingRunBuilder builder) {
        builder.on(Event.STARTED, e -> write(null));
        builder.on(Event.VALIDATION_COMPLETED, e -> write(null));
        builder.on(Event.EXCEPTION_RAISED, e -> write(reason(e.state().exception())));
    }

    /** The run directory, known once the run is built and before it starts. */
    void runDirectory(Path value) {
        runDir = value;
    }

    /** The page's file. */
    Path page() {
        return runDir.resolve(RunReports.DIRECTORY).resolve("index.html");
    }

    /** The final page of the ended run, with its best checkpoint tested on data already on this machine. */
    void finish(ProgressListener progress) {
        try {
            RunReports.write(toolkit, runDir, runDir.resolve(RunReports.DIRECTORY), true, false, progress, err);
        } catch (ToolkitException e) {
            warn(e);
        }
    }

    private void write(String stopped) {
        try {
            RunSnapshot run = RunSnapshot.read(runDir);
            if (provenance == null) {
                provenance = RunReports.provenance(toolkit, run);
            }
            RunReport.builder()
                    .run(run)
                    .provenance(provenance)
                    .live(true)
                    .stopped(stopped)
                    .testNote("the run has not ended; its best checkpoint is tested when it ends")
                    .build()
                    .write(runDir.resolve(RunReports.DIRECTORY));
        } catch (ToolkitException e) {
            warn(e);
        }
    }

    private static String reason(Throwable e) {
        return e == null
                ? "an error"
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private void warn(ToolkitException e) {
        if (!warned) {
            err.println("warning: cannot keep the report current: " + e.getMessage());
            err.flush();
            warned = true;
        }
    }
}
