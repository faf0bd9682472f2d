package org.mltoolkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: gives access to the root {@link ToolkitCommand} (global options, plugins, data
 * directory) and to the command line's output streams, which tests replace.
 *
 * <p>To add a command: extend this class, annotate it with {@code @Command(name = ..., mixinStandardHelpOptions =
 * true, description = ...)}, implement {@link #call()} returning an {@link ExitCodes} value, and list the class in
 * the {@code subcommands} of {@link ToolkitCommand} (or of a command group such as {@link DataCommand}). Inside,
 * {@code toolkit().extensions()} finds datasets, models and trainers by name, {@code toolkit().dataManager()}
 * fetches and loads data, and a thrown {@link org.mltoolkit.api.ToolkitException} becomes the one-line error.
 */
public abstract class ToolkitSubcommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** The root command, which owns the global options and what they select. */
    protected final ToolkitCommand toolkit() {
        return (ToolkitCommand) spec.root().userObject();
    }

    /** This command's picocli model. */
    protected final CommandSpec spec() {
        return spec;
    }

    /** Where results go (standard output unless a test replaced it). */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where progress, warnings and errors go (standard error unless a test replaced it). */
    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
