package org.mltoolkit.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.plugins.ExtensionLookup;

/**
 * A sweep's driver: runs every run of a {@link SweepPlan} as one Spark task and gathers the outcomes into
 * {@code sweep.json}.
 *
 * <p>Spark is told that each task takes the plan's threads as its cores ({@code spark.task.cpus}), so a two-core
 * machine running two-thread runs trains one at a time and a 64-core executor many. A run that fails is an outcome
 * like the others: the rest go on.
 */
public final class Sweep {
    /** Makes the datasets, models and trainers of one run, in the executor that runs it. */
    @FunctionalInterface
    public interface ExtensionSource extends Serializable {
        /** The extensions; called once per run. */
        ExtensionLookup open();
    }

    /** The master when neither the command nor spark-submit names one: every core of this machine. */
    public static final String DEFAULT_MASTER = "local[*]";

    /** Spark's timeout for an executor's heartbeats; when unset, {@link #NETWORK_TIMEOUT}'s value. */
    static final String EXECUTOR_HEARTBEAT_TIMEOUT = "spark.storage.blockManagerHeartbeatTimeoutMs";

    static final String NETWORK_TIMEOUT = "spark.network.timeout";

    /** How long a local master's executor may go without a heartbeat: longer than any pause of the process. */
    static final Duration LOCAL_EXECUTOR_HEARTBEAT_TIMEOUT = Duration.ofDays(3650);

    private final SweepPlan plan;
    private final Path dir;
    private String master;
    private List<String> global = List.of();
    private Path pluginsDir;
    private Sweep.ExtensionSource extensions;

    /** A sweep of {@code plan} whose run directories and {@code sweep.json} go into {@code dir}. */
    public Sweep(SweepPlan plan, Path dir) {
        this.plan = plan;
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The Spark master URL; null keeps spark-submit's, else {@link #DEFAULT_MASTER}. Returns this. */
    public Sweep master(String value) {
        master = value;
        return this;
    }

    /**
     * The toolkit's global options every run gets ({@code --data-dir}, {@code --debug}), and the plugins directory:
     * on a local master each run reads it where it is; on a cluster its jars travel with the job. Returns this.
     */
    public Sweep toolkit(List<String> globalOptions, Path plugins) {
        global = List.copyOf(globalOptions);
        pluginsDir = plugins;
        return this;
    }

    /**
     * Datasets, models and trainers made on each executor instead of loading the plugins directory's, for an
     * application that embeds the toolkit with extensions of its own (the source travels to the executors, so it
     * must be serializable). Returns this.
     */
    public Sweep extensions(ExtensionSource source) {
        extensions = source;
        return this;
    }

    /**
     * Runs the sweep. Creates the directory, writes {@code sweep.json} with every run pending, runs the tasks and
     * writes {@code sweep.json} again with the outcomes, best first, which it returns. Throws ToolkitException when
     * the directory cannot be created or Spark refuses the configuration (a master it cannot reach, more task
     * cores than an executor has).
     */
    public List<RunOutcome> run() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ToolkitException(dir + ": cannot create the sweep directory: " + e.getMessage(), e);
        }
        SweepFile.writePending(dir, plan);
        SparkConf conf = configure(new SparkConf(), master, plan.threads());
        boolean local = isLocal(conf);
        List<String> options = new ArrayList<>(global);
        if (pluginsDir != null && local) {
            options.addAll(List.of("--plugins-dir", pluginsDir.toAbsolutePath().toString()));
        }
        List<SweepTask> tasks = new ArrayList<>();
        for (SweepPlan.Run run : plan.runs()) {
            tasks.add(new SweepTask(
                    run,
                    dir.resolve(run.name()).toString(),
                    plan.threads(),
                    options,
                    pluginsDir != null && !local,
                    extensions));
        }
        List<RunOutcome> outcomes;
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            if (pluginsDir != null && !local) {
                for (Path jar : pluginJars(pluginsDir)) {
                    spark.addFile(jar.toString());
                }
            }
            outcomes =
                    spark.parallelize(tasks, tasks.size()).map(SweepTask::call).collect();
        } catch (Exception e) { // Spark's own SparkException is checked but not declared, so catch Exception
            throw failure(e, conf.get("spark.master"), dir, shuttingDown());
        }
        List<RunOutcome> ranked = bestFirst(outcomes);
        SweepFile.write(dir, plan, ranked);
        return ranked;
    }

    /**
     * Completes {@code conf} (which holds what spark-submit or {@code -Dspark.*} gave) for a sweep whose runs take
     * {@code threads} cores each: the {@code master} if not null, else spark-submit's, else {@link #DEFAULT_MASTER};
     * the task cores; no web UI unless asked for. On a local master it also lifts Spark's executor heartbeat timeout
     * (unless one was set): the one executor lives in this JVM, so its heartbeats stop only when the whole process is
     * paused (Ctrl-Z, SIGSTOP, a suspended machine), and Spark's default of two minutes would then remove it for
     * good: a local scheduler cannot take it back, its heartbeats fail from then on, and after sixty of them the JVM
     * exits, stopping every run in progress. Returns {@code conf}.
     */
    static SparkConf configure(SparkConf conf, String master, int threads) {
        conf.setAppName("toolkit sweep");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(DEFAULT_MASTER);
        }
        conf.set("spark.task.cpus", Integer.toString(threads));
        conf.setIfMissing("spark.ui.enabled", "false");
        if (isLocal(conf) && !conf.contains(NETWORK_TIMEOUT) && !conf.contains(EXECUTOR_HEARTBEAT_TIMEOUT)) {
            conf.set(EXECUTOR_HEARTBEAT_TIMEOUT, Long.toString(LOCAL_EXECUTOR_HEARTBEAT_TIMEOUT.toMillis()));
        }
        return conf;
    }

    /** Whether the master runs the executor in this JVM: {@code local}, {@code local[N]}, {@code local[N,F]}. */
    private static boolean isLocal(SparkConf conf) {
        String master = conf.get("spark.master");
        return master.equals("local") || master.startsWith("local[");
    }

    /**
     * The one-line error for a sweep Spark could not finish: when the process is {@code shuttingDown} (a signal
     * stopped it, and Spark cancelled the jobs), how to continue the sweep in {@code dir}; otherwise Spark's
     * message with the {@code master}.
     */
    static ToolkitException failure(Exception e, String master, Path dir, boolean shuttingDown) {
        if (shuttingDown) {
            return new ToolkitException(
                    "the sweep in " + dir + " was stopped before its runs finished; 'toolkit sweep --resume " + dir
                            + "' continues it",
                    e);
        }
        return new ToolkitException("Spark (master " + master + "): " + e.getMessage(), e);
    }

    /** Whether the JVM is running its shutdown hooks (adding a hook is refused then). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Finished runs by validation loss, lowest first, then the others in the order given. */
    static List<RunOutcome> bestFirst(List<RunOutcome> outcomes) {
        Stream<RunOutcome> finished = outcomes.stream()
                .filter(RunOutcome::finished)
                .sorted(Comparator.comparing(RunOutcome::bestValidLoss, Comparator.nullsLast(Double::compare)));
        return Stream.concat(finished, outcomes.stream().filter(o -> !o.finished()))
                .toList();
    }

    private static List<Path> pluginJars(Path plugins) {
        try (Stream<Path> files = Files.list(plugins)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ToolkitException(plugins + ": cannot list the plugins directory: " + e.getMessage(), e);
        }
    }
}
