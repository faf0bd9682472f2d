/**
 * The {@code toolkit} command line, built on picocli. {@link org.mltoolkit.cli.ToolkitCommand} holds the global
 * options and hands every subcommand (a {@link org.mltoolkit.cli.ToolkitSubcommand}) the plugins and the data
 * directory they select. Errors end as one line {@code error: <message>} on stderr and a non-zero exit code
 * ({@link org.mltoolkit.cli.ExitCodes}); stack traces appear only with {@code --debug}.
 */
package org.mltoolkit.cli;
