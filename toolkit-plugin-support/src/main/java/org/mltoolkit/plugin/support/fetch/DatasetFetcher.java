package org.mltoolkit.plugin.support.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.mltoolkit.api.ChecksumMismatchException;
import org.mltoolkit.api.DataFormatException;
import org.mltoolkit.api.FetchRequest;
import org.mltoolkit.api.FetchedFile;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.support.files.AtomicFile;

/**
 * Makes a dataset's files present and verified in {@code dataDir/<dataset>/}: a downloading dataset describes its
 * files (each with the SHA-256 of its uncompressed content) and its sources in order, and delegates the
 * {@code files}, {@code isPresent} and {@code fetch} of {@link org.mltoolkit.api.DatasetProvider} to this class:
 *
 * <pre>{@code
 * private final DatasetFetcher fetcher = new DatasetFetcher(
 *         "digits",
 *         List.of(new ExpectedFile("train.csv", "9f86d0...", 1_048_576)),
 *         List.of(new HttpsMirrorSource("https://example.org/digits/"), new NpmPackageSource(...)));
 *
 * public List<FetchedFile> fetch(FetchRequest request) { return fetcher.fetch(request); }
 * }</pre>
 *
 * <p>Files live under their canonical names, uncompressed; a file present as {@code NAME.gz} instead counts as
 * present and is verified through its content. Instances hold no mutable state and may be used from several
 * threads, but two fetches into the same directory at once are not coordinated.
 */
public final class DatasetFetcher {
    private final String dataset;
    private final List<ExpectedFile> files;
    private final List<FileSource> sources;

    /**
     * @param dataset the dataset's name: messages name it, and its files live in {@code dataDir/<dataset>/}
     * @param files   the files, in the order they are fetched
     * @param sources where missing files are fetched from, in order, after the directory a request names
     * Throws IllegalArgumentException when there are no files or two share a name.
     */
    public DatasetFetcher(String dataset, List<ExpectedFile> files, List<FileSource> sources) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.files = List.copyOf(files);
        this.sources = List.copyOf(sources);
        if (this.files.isEmpty()) {
            throw new IllegalArgumentException("dataset " + dataset + " lists no files");
        }
        Set<String> names = new HashSet<>();
        for (ExpectedFile file : this.files) {
            if (!names.add(file.name())) {
                throw new IllegalArgumentException("dataset " + dataset + " lists " + file.name() + " twice");
            }
        }
    }

    /** The files, in fetch order. */
    public List<ExpectedFile> files() {
        return files;
    }

    /** The sources tried after the request's own directory, in order. */
    public List<FileSource> sources() {
        return sources;
    }

    /** {@code dataDir/<dataset>}; nothing is checked or created. */
    public Path directory(Path dataDir) {
        return Objects.requireNonNull(dataDir, "dataDir").resolve(dataset);
    }

    /** The canonical, uncompressed paths of the files in {@code dataDir/<dataset>/}; nothing is checked or created. */
    public List<Path> paths(Path dataDir) {
        Path directory = directory(dataDir);
        return files.stream().map(f -> directory.resolve(f.name())).toList();
    }

    /** True when each file is present, uncompressed or as {@code NAME.gz}; content is not read. */
    public boolean isPresent(Path dataDir) {
        Path directory = directory(dataDir);
        return files.stream().allMatch(f -> presentFile(directory, f.name()) != null);
    }

    /**
     * The file to read for {@code name}: the uncompressed one, else the gzipped one. Throws DataFormatException naming
     * the file when neither exists.
     */
    public Path locate(Path dataDir, String name) {
        Path directory = directory(dataDir);
        Path found = presentFile(directory, name);
        if (found == null) {
            throw new DataFormatException(
                    directory.resolve(name),
                    "missing: neither it nor " + name + ".gz exists (fetch the dataset first)");
        }
        return found;
    }

    /**
     * Makes every file present and verified in {@code dataDir/<dataset>/}, creating that directory.
     *
     * <p>A file already present (uncompressed, or as {@code NAME.gz}) is verified and reported with the source
     * {@code "already present"}. If its checksum is wrong this throws ChecksumMismatchException naming it and
     * leaves it untouched: the file may be the user's own data, so it is never silently replaced; deleting it and
     * fetching again replaces it.
     *
     * <p>A missing file is taken from the first source that delivers it: the request's directory, then this
     * fetcher's sources. Each is copied to a temporary file beside its final place, its SHA-256 is checked, and only
     * then it is renamed into place, atomically where the file system allows. If a source delivers content with the
     * wrong checksum, this throws ChecksumMismatchException (naming the file the user can act on when it came from
     * a local directory) and nothing is left in place. If every source fails, this throws one ToolkitException
     * naming the file and each source with its one-line reason. Files fetched before a failure stay in place: each
     * was verified. Progress and one message per source tried go to the request's listener. Every source session is
     * closed before this returns or throws.
     */
    public List<FetchedFile> fetch(FetchRequest request) {
        Path directory = directory(request.dataDir());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ToolkitException(
                    "cannot create the data directory " + directory + ": " + SourceFailures.reason(e), e);
        }
        ProgressListener progress = request.progress();
        List<FileSource> ordered = new ArrayList<>();
        request.fromDir().ifPresent(dir -> ordered.add(new DirectorySource(dir, "directory you named " + dir)));
        ordered.addAll(sources);
        List<FileSource.Session> sessions = new ArrayList<>();
        try {
            for (FileSource source : ordered) {
                sessions.add(source.open(progress));
            }
            List<FetchedFile> fetched = new ArrayList<>();
            for (ExpectedFile file : files) {
                fetched.add(fetchFile(directory, file, ordered, sessions, progress));
            }
            return fetched;
        } finally {
            for (FileSource.Session session : sessions) {
                session.close();
            }
        }
    }

    private FetchedFile fetchFile(
            Path directory,
            ExpectedFile file,
            List<FileSource> ordered,
            List<FileSource.Session> sessions,
            ProgressListener progress) {
        String name = file.name();
        String expected = file.sha256();
        Path present = presentFile(directory, name);
        if (present != null) {
            String actual = Sha256.ofContent(present);
            if (!actual.equals(expected)) {
                progress.message(present + " is present but is not the expected " + dataset + " file; it was left"
                        + " untouched (delete it to fetch it again)");
                throw new ChecksumMismatchException(present, expected, actual);
            }
            progress.message(name + ": already present, SHA-256 verified");
            return new FetchedFile(name, present, actual, "already present");
        }
        Path target = directory.resolve(name);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            String sourceName = ordered.get(i).description();
            progress.message(name + ": trying " + sourceName);
            AtomicFile placement = temporaryBeside(target);
            try {
                FileSource.Delivery delivery;
                try {
                    delivery = sessions.get(i).copyTo(file, placement.temporary());
                } catch (IOException | RuntimeException e) {
                    String reason = SourceFailures.reason(e);
                    failures.add(sourceName + ": " + reason);
                    progress.message(name + ": " + sourceName + " failed: " + reason);
                    continue;
                }
                String actual = Sha256.ofContent(placement.temporary());
                if (!actual.equals(expected)) {
                    progress.message(name + ": " + delivery.origin() + " delivered content with the wrong SHA-256;"
                            + " nothing was kept");
                    Path blamed = delivery.localFile() != null ? delivery.localFile() : target;
                    throw new ChecksumMismatchException(blamed, expected, actual);
                }
                commit(placement);
                progress.message(name + ": SHA-256 verified, taken from " + delivery.origin());
                return new FetchedFile(name, target, actual, delivery.origin());
            } finally {
                discard(placement, progress);
            }
        }
        throw new ToolkitException("cannot fetch " + name + " of dataset " + dataset + ": "
                + (failures.isEmpty() ? "no sources to try" : "every source failed: " + String.join("; ", failures)));
    }

    /** The uncompressed file if present, else the gzipped one if present, else null. */
    private static Path presentFile(Path directory, String name) {
        Path plain = directory.resolve(name);
        if (Files.exists(plain)) {
            return plain;
        }
        Path gzipped = directory.resolve(name + ".gz");
        return Files.exists(gzipped) ? gzipped : null;
    }

    /** A temporary file beside {@code target}. Throws ToolkitException naming the directory when it cannot be made. */
    private static AtomicFile temporaryBeside(Path target) {
        try {
            return AtomicFile.beside(target);
        } catch (IOException e) {
            throw new ToolkitException(
                    "cannot create a temporary file in " + target.getParent() + ": " + SourceFailures.reason(e), e);
        }
    }

    private static void commit(AtomicFile placement) {
        try {
            placement.commit();
        } catch (IOException e) {
            throw new ToolkitException(
                    "cannot move the verified " + placement.temporary() + " to " + placement.target() + ": "
                            + SourceFailures.reason(e),
                    e);
        }
    }

    /** Deletes the temporary file unless it was moved into place; a failure is reported, not thrown. */
    private static void discard(AtomicFile placement, ProgressListener progress) {
        try {
            placement.close();
        } catch (IOException e) {
            progress.message(
                    "could not delete the temporary file " + placement.temporary() + ": " + SourceFailures.reason(e));
        }
    }
}
