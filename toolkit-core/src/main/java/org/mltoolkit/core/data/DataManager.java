package org.mltoolkit.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.LoadRequest;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;

/**
 * Where datasets live and how they get there. Each dataset keeps its files in {@code <data dir>/<name>/}.
 *
 * <p>The data directory is, in this order: a directory named explicitly (the command line's {@code --data-dir});
 * the environment variable {@value #DATA_ENV}; {@code $XDG_DATA_HOME/mltoolkit} when {@code XDG_DATA_HOME} is an
 * absolute path; {@code ~/.local/share/mltoolkit}.
 *
 * <p>A DataManager holds no state beyond its directory; it is safe to share.
 */
public final class DataManager {
    /** Environment variable naming the data directory. */
    public static final String DATA_ENV = "TOOLKIT_DATA";
    /** Name of the toolkit's directory under the per-user data directory. */
    public static final String APPLICATION_DIR_NAME = "mltoolkit";

    private final Path dataDir;

    /** A manager for {@code dataDir}, which need not exist yet (fetching creates it). */
    public DataManager(Path dataDir) {
        this.dataDir =
                Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    }

    /** A manager for this process's data directory: {@code explicit} (may be null), then the environment. */
    public static DataManager forDirectory(Path explicit) {
        return new DataManager(resolveDataDir(explicit, System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /**
     * The data directory from explicit inputs, for callers (and tests) that supply their own environment.
     *
     * @param explicit    a directory the user named, or null
     * @param environment environment variables
     * @param userHome    the user's home directory
     */
    public static Path resolveDataDir(Path explicit, Map<String, String> environment, Path userHome) {
        Path chosen;
        String fromEnv = environment.get(DATA_ENV);
        String xdg = environment.get("XDG_DATA_HOME");
        if (explicit != null) {
            chosen = explicit;
        } else if (fromEnv != null && !fromEnv.isBlank()) {
            chosen = Path.of(fromEnv);
        } else if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            // The XDG specification says relative values are to be ignored.
            chosen = Path.of(xdg).resolve(APPLICATION_DIR_NAME);
        } else {
            chosen = userHome.resolve(".local").resolve("share").resolve(APPLICATION_DIR_NAME);
        }
        return chosen.toAbsolutePath().normalize();
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The directory that holds {@code dataset}'s files. */
    public Path datasetDir(DatasetProvider dataset) {
        return dataDir.resolve(dataset.name());
    }

    /** The dataset's files that do not exist, in the provider's order; empty when all are present. */
    public List<Path> missingFiles(DatasetProvider dataset) {
        return dataset.files(dataDir).stream()
                .filter(f -> !Files.isRegularFile(f))
                .toList();
    }

    /**
     * Fetches the dataset's files into the data directory, creating it if needed, and verifies every file
     * (files already present are verified, not fetched again). {@code fromDir}, when given, is tried first.
     * Throws ToolkitException when {@code fromDir} is not a directory, when the data directory cannot be created,
     * or when the provider runs out of sources; nothing half-written is left where a good file is expected.
     */
    public List<FetchedFile> fetch(DatasetProvider dataset, Optional<Path> fromDir, ProgressListener progress) {
        Optional<Path> source = fromDir.map(p -> p.toAbsolutePath().normalize());
        if (source.isPresent() && !Files.isDirectory(source.get())) {
            throw new ToolkitException("source directory " + source.get()
                    + (Files.exists(source.get()) ? " is not a directory" : " does not exist"));
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ToolkitException(
                    "cannot create data directory " + dataDir + ": "
                            + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e);
        }
        return dataset.fetch(new FetchRequest(dataDir, source, progress));
    }

    /**
     * Makes sure every file of the dataset is present: nothing happens when they are; otherwise the files are
     * fetched, unless {@code offline}, in which case DataMissingException says which files are missing and how
     * to fetch them. Returns the files fetched, or an empty list when nothing had to be fetched.
     */
    public List<FetchedFile> ensureAvailable(DatasetProvider dataset, boolean offline, ProgressListener progress) {
        List<Path> missing = missingFiles(dataset);
        if (missing.isEmpty()) {
            return List.of();
        }
        if (offline) {
            throw new DataMissingException(dataset.name(), dataDir, missing);
        }
        return fetch(dataset, Optional.empty(), progress);
    }

    /**
     * {@link #ensureAvailable} followed by the provider's load with {@code options}; the provider reports long work
     * and warnings to {@code progress}. Throws DataMissingException as described there, InvalidConfigurationException
     * for an option the dataset does not take, and DataFormatException (from the provider) naming the file and the
     * problem for any malformed file.
     */
    public DatasetSplits load(
            DatasetProvider dataset, PluginOptions options, boolean offline, ProgressListener progress) {
        ensureAvailable(dataset, offline, progress);
        return dataset.load(new LoadRequest(dataDir, options, progress));
    }
}
