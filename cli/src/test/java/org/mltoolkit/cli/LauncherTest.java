package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script's choices, read from what it passes to a stand-in {@code java} that prints its environment's
 * OpenBLAS kernel choice and its arguments: the maximum heap, sized from the dataset's files unless the user's options
 * set one, and OpenBLAS's AVX-512 kernels where the processor has them.
 */
class LauncherTest {
    private static final long MEBIBYTE = 1024 * 1024;

    @TempDir
    Path temp;

    private Path home;
    private Path javaHome;
    private Path dataDir;

    @BeforeEach
    void installLauncher() throws IOException {
        home = Files.createDirectories(temp.resolve("home"));
        Path launcher = home.resolve("toolkit");
        Files.copy(Path.of("..", "toolkit"), launcher);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(home.resolve("cli/target/lib"));
        Files.createFile(home.resolve("cli/target/cli.jar"));
        javaHome = Files.createDirectories(temp.resolve("jdk/bin")).getParent();
        Path java = javaHome.resolve("bin/java");
        Files.writeString(
                java,
                "#!/bin/sh\n"
                        + "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.9\" 2023-10-17' >&2; exit 0; fi\n"
                        + "echo \"OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-}\"\n"
                        + "for a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        dataDir = Files.createDirectories(temp.resolve("data"));
    }

    private void datasetFile(String dataset, String name, long megabytes) throws IOException {
        sizedFile(Files.createDirectories(dataDir.resolve(dataset)).resolve(name), megabytes);
    }

    private static void sizedFile(Path file, long megabytes) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(megabytes * MEBIBYTE);
        }
    }

    private List<String> jvmArguments(String javaOptions, String... arguments) throws Exception {
        return launch(javaOptions, null, arguments);
    }

    /** What the stand-in {@code java} printed before the main class, launched with {@code blasCoreType} if set. */
    private List<String> launch(String javaOptions, String blasCoreType, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("toolkit").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment
                .keySet()
                .removeAll(List.of("TOOLKIT_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "OPENBLAS_CORETYPE"));
        if (blasCoreType != null) {
            environment.put("OPENBLAS_CORETYPE", blasCoreType);
        }
        environment.put("JAVA_HOME", javaHome.toString());
        environment.put("TOOLKIT_DATA", dataDir.toString());
        if (javaOptions != null) {
            environment.put("TOOLKIT_JAVA_OPTS", javaOptions);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
        assertEquals(0, process.exitValue(), output);
        List<String> lines = output.lines().toList();
        return lines.subList(0, lines.indexOf("org.mltoolkit.cli.ToolkitCommand"));
    }

    private static List<String> heapOptions(List<String> jvmArguments) {
        return jvmArguments.stream().filter(a -> a.startsWith("-Xmx")).toList();
    }

    @Test
    void sizesTheHeapAsAFixedPartPlusTwiceTheDatasetsBytes() throws Exception {
        datasetFile("mnist", "images", 50);
        datasetFile("mnist", "labels", 2);

        assertEquals(List.of("-Xmx360m"), heapOptions(jvmArguments(null, "train", "--model", "cnn")));
        datasetFile("other", "images", 10);
        assertEquals(
                List.of("-Xmx276m"), heapOptions(jvmArguments(null, "bench", "--dataset", "other", "--model", "fc")));
        assertEquals(List.of("-Xmx276m"), heapOptions(jvmArguments(null, "train", "--dataset=other")));
    }

    @Test
    void augmentationTakesNoMoreHeap() throws Exception {
        datasetFile("mnist", "images", 50);

        assertEquals(List.of("-Xmx356m"), heapOptions(jvmArguments(null, "train", "--augment")));
        assertEquals(List.of("-Xmx356m"), heapOptions(jvmArguments(null, "train", "--augment=rotate=5")));
    }

    @Test
    void readsTheDataDirectoryOption() throws Exception {
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere/mnist"));
        sizedFile(elsewhere.resolve("images"), 25);

        assertEquals(
                List.of("-Xmx306m"),
                heapOptions(jvmArguments(
                        null, "train", "--data-dir", elsewhere.getParent().toString())));
    }

    @Test
    void theUsersMaximumHeapReplacesTheLaunchersOwn() throws Exception {
        datasetFile("mnist", "images", 50);

        List<String> arguments = jvmArguments("-Xmx2g -Dsomething=1", "train");
        assertEquals(List.of("-Xmx2g"), heapOptions(arguments));
        assertTrue(arguments.contains("-Dsomething=1"));
        assertEquals(List.of(), heapOptions(jvmArguments("-XX:MaxRAMPercentage=50", "train")));
    }

    @Test
    void leavesASweepsHeapToTheJvm() throws Exception {
        datasetFile("mnist", "images", 50);
        Files.createDirectories(home.resolve("toolkit-spark/target/lib"));
        Files.createFile(home.resolve("toolkit-spark/target/toolkit-spark.jar"));

        assertEquals(List.of(), heapOptions(jvmArguments(null, "sweep", "--model", "fc", "--out", "runs")));
        assertEquals(List.of(), heapOptions(jvmArguments(null, "--debug", "sweep", "--augment")));
        assertEquals(List.of("-Xmx3g"), heapOptions(jvmArguments("-Xmx3g", "sweep")));
    }

    @Test
    void commandsThatTakeTheirDatasetFromACheckpointOrRunAreSizedOnlyForAGivenDataset() throws Exception {
        datasetFile("mnist", "images", 50);

        assertEquals(List.of(), heapOptions(jvmArguments(null, "evaluate", "--checkpoint", "run/best.ckpt")));
        assertEquals(List.of(), heapOptions(jvmArguments(null, "train", "--resume", "run/last.ckpt")));
        assertEquals(List.of(), heapOptions(jvmArguments(null, "report", "run")));
        assertEquals(List.of(), heapOptions(jvmArguments(null, "data", "info", "images")));
        assertEquals(
                List.of("-Xmx356m"),
                heapOptions(jvmArguments(null, "evaluate", "--checkpoint", "run/best.ckpt", "--dataset", "mnist")));
    }

    @Test
    void sizesAnImageFolderFromItsLargestDecodedCache() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("photos"));
        assertEquals(
                List.of(),
                heapOptions(jvmArguments(null, "train", "--dataset", "images", "--dataset-option", "path=" + folder)),
                "not decoded yet");

        Path cache = Files.createDirectories(folder.resolve(".toolkit-cache"));
        sizedFile(cache.resolve("images-28x28x1.cache"), 20);
        sizedFile(cache.resolve("images-14x14x1.cache"), 5);
        assertEquals(
                List.of("-Xmx296m"),
                heapOptions(jvmArguments(null, "train", "--dataset=images", "--dataset-option=path=" + folder)));

        Path elsewhere = Files.createDirectories(temp.resolve("cache-elsewhere"));
        sizedFile(elsewhere.resolve("images-64x64x3.cache"), 40);
        assertEquals(
                List.of("-Xmx336m"),
                heapOptions(jvmArguments(
                        null,
                        "train",
                        "--dataset",
                        "images",
                        "--dataset-option",
                        "path=" + folder,
                        "--dataset-option",
                        "cache-dir=" + elsewhere)));
    }

    @Test
    void leavesTheHeapToTheJvmWhenTheDatasetSizeIsUnknown() throws Exception {
        assertEquals(List.of(), heapOptions(jvmArguments(null, "train")));

        datasetFile("mnist", "train-images-idx3-ubyte.gz", 10);
        assertEquals(List.of(), heapOptions(jvmArguments(null, "train")));
        assertFalse(jvmArguments(null, "plugins").isEmpty());
    }

    @Test
    void choosesOpenBlasAvx512KernelsExactlyWhenTheProcessorHasTheirSubsets() throws Exception {
        Path cpuInfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuInfo), "no /proc/cpuinfo on this system");
        String flagsLine = Files.readAllLines(cpuInfo).stream()
                .filter(line -> line.startsWith("flags"))
                .findFirst()
                .orElse("");
        List<String> flags =
                List.of(flagsLine.substring(flagsLine.indexOf(':') + 1).trim().split("\\s+"));
        boolean avx512 = flags.containsAll(List.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"));

        assertEquals(
                "OPENBLAS_CORETYPE=" + (avx512 ? "SkylakeX" : ""),
                launch(null, null, "train").get(0),
                "flags: " + flags);
    }

    @Test
    void theUsersOpenBlasCoreTypeIsKept() throws Exception {
        assertEquals(
                "OPENBLAS_CORETYPE=Haswell", launch(null, "Haswell", "train").get(0));
    }
}
