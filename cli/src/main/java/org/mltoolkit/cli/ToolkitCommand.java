package org.mltoolkit.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.data.DataManager;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.PluginRegistry;
import org.mltoolkit.core.plugins.PluginStatus;
import org.mltoolkit.core.plugins.ToolkitPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code toolkit} command: global options, and the subcommands listed below.
 *
 * <p>How a subcommand reaches the shared state: it extends {@link ToolkitSubcommand} and calls
 * {@code toolkit()}, which returns this object. {@link #extensions()} gives the datasets, models and trainers
 * of the plugins selected by {@code --plugins-dir} (loaded once, on first use, and closed when the command ends);
 * {@link #dataManager()} gives the data directory selected by {@code --data-dir}; {@link #isDebug()} says whether
 * to show details; {@link #progress(PrintWriter)} renders a plugin's progress. The global options may be given
 * before or after the subcommand name ({@code toolkit --data-dir D data info mnist} or
 * {@code toolkit data info mnist --data-dir D}).
 *
 * <p>To register a new command, add its class to {@code subcommands} below; nothing else changes. A command that
 * lives in a module of its own with libraries the others do not need (Spark's {@code sweep}) is found through
 * {@link ServiceLoader} as a {@link ToolkitSubcommand} instead: it exists when its module is on the class path, which
 * the launcher arranges for that command alone.
 */
@Command(
        name = "toolkit",
        mixinStandardHelpOptions = true,
        versionProvider = ToolkitCommand.Version.class,
        description =
                "Train, inspect and ship digit classifiers on the JVM; datasets, models and trainers are " + "plugins.",
        footer = {
            "",
            "Exit codes: 0 success, 1 the command failed, 2 bad command line, "
                    + "3 a plugin failed to load (plugins).",
            "'toolkit sweep --help': a grid of training runs on Apache Spark (the launcher adds Spark for that command)."
        },
        subcommands = {
            PluginsCommand.class,
            DataCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            EnsembleCommand.class,
            ReportCommand.class,
            CompareCommand.class,
            BenchCommand.class,
        })
public final class ToolkitCommand implements Callable<Integer>, AutoCloseable {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--plugins-dir",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Directory of plugin jars (default: $" + ToolkitPaths.PLUGINS_ENV
                    + ", else the plugins directory of the installation, else ./plugins).")
    private Path pluginsDirOption;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Directory for datasets (default: $" + DataManager.DATA_ENV
                    + ", else $XDG_DATA_HOME/mltoolkit, else ~/.local/share/mltoolkit).")
    private Path dataDirOption;

    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description = "Show stack traces and the plugin framework's log.")
    private boolean debug;

    private final Map<String, String> environment;
    private final ExtensionLookup injectedExtensions;
    private final boolean interactive;
    private PluginRegistry registry;
    private boolean warnedAboutFailedPlugins;

    /** The command as the launcher runs it: the process's environment, plugins from the plugins directory. */
    public ToolkitCommand() {
        this(System.getenv(), null, standardOutputIsTerminal());
    }

    /**
     * A command with an explicit environment and, optionally, extensions that replace the plugins directory's
     * for every command except {@code plugins} (which always lists the directory). For tests and embedding;
     * progress is then printed as plain lines, never as a terminal progress bar.
     *
     * @param environment the environment variables to resolve directories from
     * @param extensions  the datasets, models and trainers to use, or null to load the plugins directory's
     */
    public ToolkitCommand(Map<String, String> environment, ExtensionLookup extensions) {
        this(environment, extensions, false);
    }

    /**
     * As {@link #ToolkitCommand(Map, ExtensionLookup)}, with {@code interactive} saying whether output goes to a
     * terminal (progress bars, including training's) or elsewhere (plain lines only).
     */
    ToolkitCommand(Map<String, String> environment, ExtensionLookup extensions, boolean interactive) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.injectedExtensions = extensions;
        this.interactive = interactive;
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        int exitCode;
        try (ToolkitCommand root = new ToolkitCommand()) {
            exitCode = commandLine(root).execute(args);
        }
        System.exit(exitCode);
    }

    /** The picocli command line for {@code root}, with the toolkit's error handling and logging set up. */
    public static CommandLine commandLine(ToolkitCommand root) {
        CommandLine commandLine = new CommandLine(root);
        for (ToolkitSubcommand extra : ServiceLoader.load(ToolkitSubcommand.class)) {
            commandLine.addSubcommand(extra);
        }
        ErrorReporter reporter = new ErrorReporter(root);
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setParameterExceptionHandler(reporter);
        commandLine.setExecutionStrategy(parseResult -> {
            root.configureLogging();
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (Error e) {
                // picocli hands Errors on untouched: a plugin jar replaced under a running command
                // (NoClassDefFoundError) or a full heap still gets the one-line report and an exit code.
                return reporter.handleError(e, parseResult.commandSpec().commandLine());
            }
        });
        return commandLine;
    }

    /** Without a subcommand there is nothing to do: a usage error that names the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command; choose one of: "
                        + String.join(", ", spec.subcommands().keySet()));
    }

    /** True when {@code --debug} was given. */
    public boolean isDebug() {
        return debug;
    }

    /** The plugins directory these options select (it may not exist). */
    public Path pluginsDir() {
        return ToolkitPaths.pluginsDir(
                pluginsDirOption, environment, System.getProperty(ToolkitPaths.HOME_PROPERTY), Path.of(""));
    }

    /** The data directory these options select (it may not exist yet). */
    public DataManager dataManager() {
        return new DataManager(
                DataManager.resolveDataDir(dataDirOption, environment, Path.of(System.getProperty("user.home"))));
    }

    /**
     * The plugins of {@link #pluginsDir()}, loaded on first use and closed with this command. Throws
     * ToolkitException if the plugins directory is a file, or the one named by {@code --plugins-dir} does not exist
     * (a directory chosen otherwise may be missing: then there are no plugins, which {@code plugins} says).
     */
    public PluginRegistry pluginRegistry() {
        if (registry == null) {
            Path dir = pluginsDir();
            if (pluginsDirOption != null && !Files.exists(dir)) {
                throw new ToolkitException("the plugins directory " + dir + " given by --plugins-dir does not exist");
            }
            registry = PluginRegistry.load(dir);
        }
        return registry;
    }

    /**
     * The datasets, models and trainers to use: the injected ones, or those of {@link #pluginRegistry()}. Plugins
     * that failed to load are announced on stderr once, one warning line each, and the others are used.
     */
    public ExtensionLookup extensions() {
        if (injectedExtensions != null) {
            return injectedExtensions;
        }
        PluginRegistry plugins = pluginRegistry();
        if (!warnedAboutFailedPlugins) {
            warnedAboutFailedPlugins = true;
            PrintWriter err = spec.commandLine().getErr();
            List<PluginStatus> failed = plugins.failedPlugins();
            for (PluginStatus status : failed) {
                err.println("warning: plugin " + status.label() + " failed to load: " + status.failureReason()
                        + " (see 'toolkit plugins')");
            }
            err.flush();
        }
        return plugins;
    }

    /**
     * True when this command was given its extensions rather than loading a plugins directory (tests, embedding):
     * work that needs the plugins in another process cannot be handed to one.
     */
    public boolean isEmbedded() {
        return injectedExtensions != null;
    }

    /**
     * A progress listener that renders on {@code err}: a progress bar on a terminal, plain lines otherwise.
     * Close it when the work is done.
     */
    public ConsoleProgress progress(PrintWriter err) {
        return new ConsoleProgress(err, interactive);
    }

    /**
     * Whether output goes to a person's terminal: then commands draw progress bars that redraw their line; otherwise
     * (a pipe, a file, a test) they print plain lines only.
     */
    public boolean interactive() {
        return interactive;
    }

    /**
     * Whether the process talks to a terminal. Up to Java 21 a console exists only when standard input and output
     * are both terminals; from Java 22 a console may exist without one, and {@code Console.isTerminal()} (looked up
     * by name, as this code compiles for Java 17) tells.
     */
    static boolean standardOutputIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** Closes the plugins, if they were loaded. Extensions from {@link #extensions()} are unusable afterwards. */
    @Override
    public void close() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }

    /**
     * Applies {@code --debug} to the SLF4J simple logger. Its configuration is read when the first logger is
     * created, which happens after parsing (plugins load lazily), so the properties set here take effect.
     */
    private void configureLogging() {
        if (debug) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
            System.setProperty("org.slf4j.simpleLogger.log.org.pf4j", "debug");
            System.setProperty("org.slf4j.simpleLogger.showLogName", "true");
        }
    }

    /** {@code --version}: the toolkit's version from the jar's manifest, and the Java runtime. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "toolkit " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }

        /** The Implementation-Version of the jar this class came from, or a note that there is none. */
        static String version() {
            String version = ToolkitCommand.class.getPackage().getImplementationVersion();
            return version != null ? version : "(development build, not packaged)";
        }
    }
}
