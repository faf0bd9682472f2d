package org.mltoolkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.cli.InProcessToolkit.Run;
import org.mltoolkit.cli.fixtures.PairsDataset;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.plugins.ToolkitPaths;
import org.pf4j.test.PluginJar;

/** The command line end to end: exit codes, stdout and stderr, with tiny data and real plugin jars. */
class ToolkitCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** A command whose only dataset is {@code datasets}, handed over without plugins, with data in temp/data. */
    private Run runWith(List<DatasetProvider> datasets, String... args) {
        ExtensionLookup lookup = new StaticExtensions(datasets, List.of(), List.of());
        return InProcessToolkit.run(
                new ToolkitCommand(Map.of("TOOLKIT_DATA", temp.resolve("data").toString()), lookup), args);
    }

    private Run runWithPlugins(Path pluginsDir, String... args) {
        return InProcessToolkit.run(
                new ToolkitCommand(
                        Map.of(
                                ToolkitPaths.PLUGINS_ENV,
                                pluginsDir.toString(),
                                "TOOLKIT_DATA",
                                temp.resolve("data").toString()),
                        null),
                args);
    }

    private static List<String> lines(String text) {
        return text.lines().toList();
    }

    @Test
    void helpIsAvailableOnEveryCommand() {
        Run root = runWith(List.of(), "--help");
        assertEquals(0, root.exitCode());
        assertTrue(root.out().startsWith("Usage: toolkit"), root.out());
        for (String word : List.of("--plugins-dir", "--data-dir", "--debug", "--version", "plugins", "data")) {
            assertTrue(root.out().contains(word), word + " missing from " + root.out());
        }
        assertEquals("", root.err());

        Run fetch = runWith(List.of(), "data", "fetch", "--help");
        assertEquals(0, fetch.exitCode());
        assertTrue(fetch.out().startsWith("Usage: toolkit data fetch"), fetch.out());
        assertTrue(fetch.out().contains("--from=DIR"), fetch.out());

        for (String[] args : List.of(
                new String[] {"plugins", "--help"},
                new String[] {"data", "--help"},
                new String[] {"data", "info", "--help"},
                new String[] {"data", "show", "--help"})) {
            Run help = runWith(List.of(), args);
            assertEquals(0, help.exitCode(), String.join(" ", args));
            assertTrue(help.out().startsWith("Usage: toolkit " + args[0]), help.out());
        }
    }

    @Test
    void versionNamesTheToolkitAndTheJavaRuntime() {
        Run run = runWith(List.of(), "--version");
        assertEquals(0, run.exitCode());
        List<String> lines = lines(run.out());
        assertEquals(2, lines.size(), run.out());
        assertTrue(lines.get(0).startsWith("toolkit "), run.out());
        assertTrue(lines.get(1).startsWith("Java " + System.getProperty("java.version")), run.out());
    }

    @Test
    void usageErrorsAreOneLineWithExitCodeTwo() {
        Run none = runWith(List.of());
        assertEquals(ExitCodes.USAGE, none.exitCode());
        assertEquals(1, lines(none.err()).size(), none.err());
        assertTrue(none.err().startsWith("error: missing command; choose one of: plugins, data"), none.err());
        assertTrue(none.err().strip().endsWith("(see 'toolkit --help')"), none.err());
        assertEquals("", none.out());

        Run group = runWith(List.of(), "data");
        assertEquals(ExitCodes.USAGE, group.exitCode());
        assertEquals(
                List.of("error: missing command; choose one of: fetch, info, show (see 'toolkit data --help')"),
                lines(group.err()));

        Run unknown = runWith(List.of(), "data", "info", "pairs", "--colour");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertEquals(1, lines(unknown.err()).size(), unknown.err());
        assertTrue(unknown.err().startsWith("error: Unknown option: '--colour'"), unknown.err());
        assertTrue(unknown.err().contains("(see 'toolkit data info --help')"), unknown.err());

        Run missing = runWith(List.of(), "data", "info");
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertEquals(
                List.of("error: Missing required parameter: 'DATASET' (see 'toolkit data info --help')"),
                lines(missing.err()));
    }

    @Test
    void unknownDatasetListsTheKnownOnes() {
        Run run = runWith(List.of(new PairsDataset()), "data", "info", "mnist");
        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals(List.of("error: unknown dataset 'mnist'; known datasets: pairs"), lines(run.err()));
        assertEquals("", run.out());
    }

    @Test
    void fetchPrintsEveryVerifiedFileAndInfoDescribesTheData() throws IOException {
        Run fetch = runWith(List.of(new PairsDataset()), "data", "fetch", "pairs");
        assertEquals(0, fetch.exitCode(), fetch.err());
        Path dir = temp.resolve("data").resolve("pairs");
        assertEquals(
                List.of(
                        "train.bin  sha256 " + PairsDataset.sha256(PairsDataset.TRAIN) + "  built-in content",
                        "test.bin   sha256 " + PairsDataset.sha256(PairsDataset.TEST) + "  built-in content",
                        "pairs: 2 files verified in " + dir),
                lines(fetch.out()));
        assertEquals(List.of("write train.bin (0.0 MiB)", "write test.bin (0.0 MiB)"), lines(fetch.err()));

        Run info = runWith(List.of(new PairsDataset()), "data", "info", "pairs", "--json");
        assertEquals(0, info.exitCode(), info.err());
        JsonNode json = info.json();
        assertEquals("pairs", json.get("dataset").asText());
        assertEquals(dir.toString(), json.get("directory").asText());
        assertEquals(
                dir.resolve("train.bin").toString(),
                json.get("files").get(0).get("path").asText());
        assertEquals(9, json.get("files").get(0).get("bytes").asLong());
        assertEquals(
                PairsDataset.sha256(PairsDataset.TRAIN),
                json.get("files").get(0).get("sha256").asText());
        assertEquals(4, json.get("examples").asInt());
        JsonNode train = json.get("splits").get("train");
        assertEquals(3, train.get("examples").asInt());
        assertEquals(0.5, train.get("pixel_mean").asDouble(), 1e-12);
        assertEquals(0.5, train.get("pixel_std").asDouble(), 1e-12);
        assertEquals(1, train.get("class_counts").get("dark").asInt());
        assertEquals(2, train.get("class_counts").get("light").asInt());
        JsonNode test = json.get("splits").get("test");
        assertEquals(1, test.get("examples").asInt());
        assertEquals(0, test.get("class_counts").get("light").asInt());
        assertEquals(1, json.get("shape").get("channels").asInt());
        assertEquals(2, json.get("shape").get("width").asInt());

        Run text = runWith(List.of(new PairsDataset()), "data", "info", "pairs");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("directory  " + dir), text.out());
        assertTrue(text.out().contains("train              3    0.500000    0.500000"), text.out());
        assertTrue(text.out().contains("light         2         0"), text.out());
    }

    @Test
    void fetchTakesFilesFromTheNamedDirectoryAndGlobalOptionsMayFollowTheCommand() throws IOException {
        Path from = Files.createDirectory(temp.resolve("from"));
        byte[] train = {(byte) 255, 0, 0};
        Files.write(from.resolve("train.bin"), train);
        Files.write(from.resolve("test.bin"), PairsDataset.TEST);
        Path otherData = temp.resolve("other");

        Run fetch = runWith(
                List.of(new PairsDataset()),
                "data",
                "fetch",
                "pairs",
                "--from",
                from.toString(),
                "--data-dir",
                otherData.toString());
        assertEquals(0, fetch.exitCode(), fetch.err());
        assertTrue(
                fetch.out().contains("train.bin  sha256 " + PairsDataset.sha256(train) + "  directory " + from),
                fetch.out());
        assertTrue(Files.isRegularFile(otherData.resolve("pairs").resolve("train.bin")));
        assertFalse(Files.exists(temp.resolve("data")));

        Run missingFrom = runWith(
                List.of(new PairsDataset()),
                "data",
                "fetch",
                "pairs",
                "--from",
                temp.resolve("nowhere").toString());
        assertEquals(ExitCodes.ERROR, missingFrom.exitCode());
        assertEquals(
                List.of("error: source directory " + temp.resolve("nowhere") + " does not exist"),
                lines(missingFrom.err()));
    }

    @Test
    void infoOnMissingDataSaysHowToFetchItAndDownloadsNothing() {
        Run run = runWith(List.of(new PairsDataset()), "data", "info", "pairs");
        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals(
                List.of("error: dataset 'pairs' is not in " + temp.resolve("data")
                        + " (missing train.bin, test.bin); fetch it first with 'toolkit data fetch pairs'"),
                lines(run.err()));
        assertFalse(Files.exists(temp.resolve("data")));
    }

    @Test
    void aCorruptFileIsOneLineNamingTheFileAndTheProblem() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("data").resolve("pairs"));
        Files.write(dir.resolve("train.bin"), new byte[] {1, 2, 0, 4});
        Files.write(dir.resolve("test.bin"), PairsDataset.TEST);

        Run run = runWith(List.of(new PairsDataset()), "data", "info", "pairs", "--json");
        assertEquals(ExitCodes.ERROR, run.exitCode());
        assertEquals(
                List.of("error: " + dir.resolve("train.bin") + ": size 4 is not a multiple of 3 bytes"),
                lines(run.err()));
        assertEquals("", run.out());
    }

    @Test
    void unexpectedExceptionsAreOneLineUnlessDebugging() throws IOException {
        writePairsData();
        DatasetProvider broken = new PairsDataset() {
            @Override
            public DatasetSplits load(Path dataDir) {
                throw new IllegalStateException("reader state lost");
            }
        };

        Run quiet = runWith(List.of(broken), "data", "info", "pairs");
        assertEquals(ExitCodes.ERROR, quiet.exitCode());
        assertEquals(
                List.of("error: unexpected IllegalStateException: reader state lost"
                        + " (run with --debug for the stack trace)"),
                lines(quiet.err()));

        Run debug = runWith(List.of(broken), "--debug", "data", "info", "pairs");
        assertEquals(ExitCodes.ERROR, debug.exitCode());
        List<String> lines = lines(debug.err());
        assertEquals("error: unexpected IllegalStateException: reader state lost", lines.get(0));
        assertTrue(
                lines.size() > 2 && lines.get(1).startsWith("java.lang.IllegalStateException: reader state lost"),
                debug.err());
        assertTrue(debug.err().contains("\tat "), debug.err());
    }

    private void writePairsData() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("data").resolve("pairs"));
        Files.write(dir.resolve("train.bin"), PairsDataset.TRAIN);
        Files.write(dir.resolve("test.bin"), PairsDataset.TEST);
    }

    @Test
    void errorsEscapingACommandAreOneLineToo() throws IOException {
        writePairsData();
        DatasetProvider broken = new PairsDataset() {
            @Override
            public DatasetSplits load(Path dataDir) {
                throw new NoClassDefFoundError("org/example/Gone");
            }
        };

        Run quiet = runWith(List.of(broken), "data", "info", "pairs");
        assertEquals(ExitCodes.ERROR, quiet.exitCode());
        assertEquals(
                List.of("error: unexpected NoClassDefFoundError: org/example/Gone"
                        + " (run with --debug for the stack trace)"),
                lines(quiet.err()));
    }

    @Test
    void pluginsJsonListsEveryPluginAndItsExtensionsAndExitsZeroWhenAllLoad() throws IOException {
        Path pluginsDir = Files.createDirectory(temp.resolve("plugins"));
        pairsPlugin(pluginsDir, "pairs-plugin");
        pluginJar(pluginsDir.resolve("empty.jar"), "empty")
                .pluginVersion("2.0.0")
                .build();

        Run run = runWithPlugins(pluginsDir, "plugins", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        JsonNode json = run.json();
        assertEquals(pluginsDir.toString(), json.get("plugins_dir").asText());
        JsonNode plugins = json.get("plugins");
        assertEquals(2, plugins.size());
        JsonNode empty = plugins.get(0);
        assertEquals("empty", empty.get("id").asText());
        assertEquals("2.0.0", empty.get("version").asText());
        assertEquals("started", empty.get("state").asText());
        assertEquals(0, empty.get("extensions").get("dataset").size());
        assertEquals(0, empty.get("extensions").get("model").size());
        assertEquals(0, empty.get("extensions").get("trainer").size());
        JsonNode pairs = plugins.get(1);
        assertEquals("pairs-plugin", pairs.get("id").asText());
        assertEquals("1.0.0", pairs.get("version").asText());
        assertEquals("started", pairs.get("state").asText());
        assertEquals(
                pluginsDir.resolve("pairs-plugin.jar").toString(),
                pairs.get("path").asText());
        assertEquals("pairs", pairs.get("extensions").get("dataset").get(0).asText());
        assertEquals(0, pairs.get("failures").size());
        assertEquals(1, json.get("datasets").size());
        assertEquals("pairs", json.get("datasets").get(0).get("name").asText());
        assertEquals("pairs-plugin", json.get("datasets").get(0).get("plugin").asText());
        assertEquals(0, json.get("models").size());
    }

    @Test
    void failedPluginsAreListedWithTheirReasonAndMakeThePluginsCommandFail() throws IOException {
        Path pluginsDir = Files.createDirectory(temp.resolve("plugins"));
        pairsPlugin(pluginsDir, "pairs-plugin");
        Files.writeString(pluginsDir.resolve("broken.jar"), "not a zip archive");

        Run json = runWithPlugins(pluginsDir, "plugins", "--json");
        assertEquals(ExitCodes.PLUGIN_FAILURES, json.exitCode());
        assertEquals(List.of("error: 1 of 2 plugins failed to load: broken.jar"), lines(json.err()));
        JsonNode broken = json.json().get("plugins").get(0);
        assertTrue(broken.get("id").isNull());
        assertEquals("failed", broken.get("state").asText());
        assertEquals(
                pluginsDir.resolve("broken.jar").toString(), broken.get("path").asText());
        assertTrue(broken.get("failures").get(0).asText().startsWith("Cannot read manifest from "), json.out());
        assertEquals("pairs", json.json().get("datasets").get(0).get("name").asText());

        Run text = runWithPlugins(pluginsDir, "plugins");
        assertEquals(ExitCodes.PLUGIN_FAILURES, text.exitCode());
        assertTrue(text.out().contains("broken.jar  failed  broken.jar"), text.out());
        assertTrue(text.out().contains("  FAILED: Cannot read manifest from "), text.out());
        assertTrue(text.out().contains("pairs-plugin 1.0.0  started  pairs-plugin.jar"), text.out());
        assertTrue(text.out().contains("  dataset  pairs            pixel pairs for tests"), text.out());

        // Other commands warn once and go on with the plugins that work.
        Run fetch = runWithPlugins(pluginsDir, "data", "fetch", "pairs");
        assertEquals(0, fetch.exitCode(), fetch.err());
        assertTrue(
                fetch.err().startsWith("warning: plugin broken.jar failed to load: Cannot read manifest from "),
                fetch.err());
        assertTrue(fetch.out().contains("pairs: 2 files verified in "), fetch.out());
    }

    @Test
    void pluginsOnAMissingDirectorySaysSo() {
        Path absent = temp.resolve("absent");
        Run run = runWithPlugins(absent, "plugins");
        assertEquals(0, run.exitCode());
        assertEquals(List.of("No plugins: the plugins directory " + absent + " does not exist."), lines(run.out()));

        Run lookup = runWithPlugins(absent, "data", "info", "mnist");
        assertEquals(ExitCodes.ERROR, lookup.exitCode());
        assertEquals(
                List.of("error: unknown dataset 'mnist'; known datasets: (none: no plugin provides one);"
                        + " plugins directory " + absent + " does not exist"),
                lines(lookup.err()));
    }

    @Test
    void aPluginsDirectoryOptionNamingNoDirectoryIsRefusedInOneLine() {
        Path absent = temp.resolve("absent");
        List<List<String>> commands = List.of(
                List.of("plugins", "--plugins-dir", absent.toString()),
                List.of("train", "--model", "fc", "--plugins-dir", absent.toString()));
        for (List<String> command : commands) {
            Run run = runWithPlugins(temp, command.toArray(String[]::new));
            assertEquals(ExitCodes.ERROR, run.exitCode(), run.err());
            assertEquals(
                    List.of("error: the plugins directory " + absent + " given by --plugins-dir does not exist"),
                    lines(run.err()));
        }
    }

    @Test
    void thePluginsDirectoryOptionBeatsTheEnvironment() throws IOException {
        Path pluginsDir = Files.createDirectory(temp.resolve("plugins"));
        pairsPlugin(pluginsDir, "pairs-plugin");
        Run run = runWithPlugins(temp.resolve("absent"), "plugins", "--json", "--plugins-dir", pluginsDir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(pluginsDir.toString(), run.json().get("plugins_dir").asText());
        assertEquals(1, run.json().get("plugins").size());
    }

    private static void pairsPlugin(Path pluginsDir, String id) throws IOException {
        pluginJar(pluginsDir.resolve(id + ".jar"), id)
                .pluginVersion("1.0.0")
                .extension(PairsDataset.class.getName())
                .build();
    }

    /** PF4J's plugin jar builder, reading class files from the test class path. */
    private static PluginJar.Builder pluginJar(Path file, String id) {
        return new PluginJar.Builder(file, id).classDataProvider(className -> {
            String entry = className.replace('.', '/') + ".class";
            try (InputStream in = ToolkitCommandTest.class.getClassLoader().getResourceAsStream(entry)) {
                if (in == null) {
                    throw new IllegalArgumentException("no class file for " + className);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
