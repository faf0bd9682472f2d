package org.mltoolkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code toolkit data}: the group of dataset commands. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Fetch datasets and describe them.",
        subcommands = {DataFetchCommand.class, DataInfoCommand.class, DataShowCommand.class})
public final class DataCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Without a subcommand there is nothing to do: a usage error that names the subcommands. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command; choose one of: "
                        + String.join(", ", spec.subcommands().keySet()));
    }
}
