package org.mltoolkit.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkFiles;
import org.mltoolkit.cli.ToolkitCommand;
import org.mltoolkit.core.run.RunDirectory;
import picocli.CommandLine;

/**
 * One run of a sweep as a Spark task: the toolkit's {@code train} command, run inside the executor's JVM with the
 * run's options, its run directory under the sweep's directory and its threads.
 *
 * <p>The run directory decides what the task does, so a task Spark runs a second time (after a lost executor) or a
 * resumed sweep never starts a run twice: a directory with {@code summary.json} holds a finished run, whose summary
 * is read; one with {@code last.ckpt} holds an interrupted run, which is resumed from it; otherwise the run starts.
 * Two tasks of the same run at once cannot both write: the run holds an operating-system lock on its directory and
 * the second is refused, naming the first. A run that fails is returned as a failed outcome with its one-line error,
 * never thrown, so the other runs go on.
 *
 * @param run        the run
 * @param runDir     its directory (a path every executor reaches)
 * @param threads    the compute threads it uses
 * @param global     the global options of the command ({@code --plugins-dir}, {@code --data-dir}, {@code --debug})
 * @param pluginsShipped true when the driver sent the plugin jars with the job ({@code SparkContext.addFile}): the
 *                   task then loads them from the executor's copy, Spark's files directory
 * @param extensions where the task finds datasets, models and trainers; null for the plugins directory
 */
record SweepTask(
        SweepPlan.Run run,
        String runDir,
        int threads,
        List<String> global,
        boolean pluginsShipped,
        Sweep.ExtensionSource extensions)
        implements Serializable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs (or resumes, or reads) the run; see the class comment. Mutates only the run's directory. */
    RunOutcome call() {
        Path dir = Path.of(runDir);
        Path summary = dir.resolve(RunDirectory.SUMMARY);
        if (Files.isRegularFile(summary)) {
            return outcome("done", summary);
        }
        Path last = dir.resolve(RunDirectory.LAST_CHECKPOINT);
        String how = Files.isRegularFile(last) ? "resumed" : "new";
        List<String> args = new ArrayList<>(global);
        if (pluginsShipped) {
            args.addAll(List.of("--plugins-dir", SparkFiles.getRootDirectory()));
        }
        args.add("train");
        args.addAll(run.trainOptions());
        if (how.equals("resumed")) {
            args.add("--resume");
            args.add(last.toString());
        }
        args.addAll(List.of("--run-dir", runDir, "--threads", Integer.toString(threads), "--verbose", "0"));
        StringWriter err = new StringWriter();
        int exitCode;
        try (ToolkitCommand root = new ToolkitCommand(System.getenv(), extensions == null ? null : extensions.open())) {
            CommandLine commandLine = ToolkitCommand.commandLine(root);
            commandLine.setOut(new PrintWriter(new StringWriter(), true));
            commandLine.setErr(new PrintWriter(err, true));
            exitCode = commandLine.execute(args.toArray(String[]::new));
        } catch (RuntimeException | Error e) {
            return RunOutcome.failed(run, how, String.valueOf(e));
        }
        if (exitCode != 0 || !Files.isRegularFile(summary)) {
            return RunOutcome.failed(run, how, errorLine(err.toString(), exitCode));
        }
        return outcome(how, summary);
    }

    private RunOutcome outcome(String how, Path summary) {
        try {
            JsonNode s = JSON.readTree(summary.toFile());
            return new RunOutcome(
                    run.name(),
                    run.settings(),
                    RunOutcome.FINISHED,
                    null,
                    how,
                    s.path("best_epoch").asInt(),
                    number(s, "best_valid_loss"),
                    number(s, "test_loss"),
                    number(s, "test_accuracy"),
                    number(s, "train_seconds"));
        } catch (IOException e) {
            return RunOutcome.failed(run, how, summary + ": cannot read: " + e.getMessage());
        }
    }

    private static Double number(JsonNode summary, String field) {
        JsonNode value = summary.get(field);
        return value == null || !value.isNumber() ? null : value.asDouble();
    }

    /** The command's last {@code error:} line, without the prefix; else its last line; else the exit code. */
    static String errorLine(String err, int exitCode) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("error: ")) {
                return lines.get(i).substring("error: ".length());
            }
        }
        return lines.isEmpty() ? "train exited with code " + exitCode : lines.get(lines.size() - 1);
    }
}
