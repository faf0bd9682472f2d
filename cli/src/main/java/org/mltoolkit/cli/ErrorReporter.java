package org.mltoolkit.cli;

import java.io.PrintWriter;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.data.DataMissingException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line {@code error: <message>} on stderr and an exit code: {@link ExitCodes#USAGE}
 * for a wrong command line (including a setting out of range, {@link InvalidConfigurationException}, reported with
 * the option's name from {@link OptionNames}), {@link ExitCodes#ERROR} for a failed command. The toolkit's own
 * exceptions carry messages written for the user and are shown as they are; anything else is unexpected and says
 * so. The stack trace follows only with {@code --debug}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final ToolkitCommand root;

    ErrorReporter(ToolkitCommand root) {
        this.root = root;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        String message = oneLine(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        return usageError(ex.getCommandLine(), message, ex);
    }

    private int usageError(CommandLine cmd, String message, Exception ex) {
        PrintWriter err = cmd.getErr();
        err.println("error: " + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        if (root.isDebug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        if (ex instanceof InvalidConfigurationException invalid) {
            return usageError(cmd, oneLine(OptionNames.message(invalid)), ex);
        }
        PrintWriter err = cmd.getErr();
        err.println("error: " + describe(ex, root.isDebug()));
        if (root.isDebug()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.ERROR;
    }

    /** Reports an Error that escaped a command like an exception, with a hint for a full heap. */
    int handleError(Error error, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        String hint =
                error instanceof OutOfMemoryError ? "; give the JVM more memory, e.g. TOOLKIT_JAVA_OPTS=-Xmx8g" : "";
        err.println("error: " + describe(error, root.isDebug()) + hint);
        if (root.isDebug()) {
            error.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.ERROR;
    }

    /** The one line shown for {@code ex}. */
    static String describe(Throwable ex, boolean debug) {
        if (ex instanceof DataMissingException missing) {
            return oneLine(ex.getMessage()) + " with 'toolkit data fetch " + missing.getDataset() + "'";
        }
        if (ex instanceof ToolkitException && ex.getMessage() != null) {
            return oneLine(ex.getMessage());
        }
        String text = "unexpected " + ex.getClass().getSimpleName()
                + (ex.getMessage() == null ? "" : ": " + oneLine(ex.getMessage()));
        return debug ? text : text + " (run with --debug for the stack trace)";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
