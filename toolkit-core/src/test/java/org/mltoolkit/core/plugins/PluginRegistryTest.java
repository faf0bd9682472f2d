package org.mltoolkit.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.plugins.fixtures.NotAnExtension;
import org.mltoolkit.core.plugins.fixtures.ThrowingDataset;
import org.mltoolkit.core.plugins.fixtures.TinyDataset;
import org.pf4j.test.PluginJar;

/** Plugin discovery with real plugin jars written into a temporary plugins directory. */
class PluginRegistryTest {

    @TempDir
    Path pluginsDir;

    @Test
    void goodPluginContributesItsDatasetFromItsOwnClassLoader() throws IOException {
        goodPlugin("good");

        try (PluginRegistry registry = PluginRegistry.load(pluginsDir)) {
            DatasetProvider tiny = registry.dataset("tiny");
            assertEquals("tiny", tiny.name());
            // Loaded from the jar by the plugin's class loader, not from the test class path.
            assertNotSame(TinyDataset.class, tiny.getClass());
            assertNotSame(getClass().getClassLoader(), tiny.getClass().getClassLoader());
            DatasetSplits splits = tiny.load(pluginsDir);
            assertEquals(2, splits.train().size());

            PluginStatus status = registry.pluginOf(tiny).orElseThrow();
            assertEquals("good", status.id());
            assertEquals("1.0.0", status.version());
            assertEquals(PluginStatus.State.STARTED, status.state());
            assertTrue(status.isHealthy());
            assertEquals(pluginsDir.resolve("good.jar"), status.path());
            assertEquals(List.of("tiny"), status.extensionNamesByKind().get(ExtensionKind.DATASET));
            assertEquals(List.of(), status.extensionNamesByKind().get(ExtensionKind.MODEL));
            assertEquals(List.of(), registry.failedPlugins());
        }
    }

    /**
     * A host that puts PF4J on a class path above the toolkit's (a Spark executor's system class path holds the
     * cluster's jars, the job's jars sit in a child class loader): the plugins' class loaders still see the toolkit's
     * API, because their parent is the loader of the toolkit's classes, not PF4J's.
     */
    @Test
    void pluginsSeeTheToolkitsApiWhenPf4jIsLoadedAboveTheToolkit() throws Exception {
        goodPlugin("good");
        List<URL> above = new ArrayList<>();
        List<URL> toolkit = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName().toString().matches("(pf4j|slf4j)-.*\\.jar")) {
                above.add(path.toUri().toURL());
            } else if (!path.endsWith("test-classes")) {
                toolkit.add(path.toUri().toURL());
            }
        }
        try (URLClassLoader pf4jHost =
                        new URLClassLoader(above.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
                URLClassLoader job = new URLClassLoader(toolkit.toArray(URL[]::new), pf4jHost)) {
            Class<?> registryClass = job.loadClass(PluginRegistry.class.getName());
            assertSame(pf4jHost, job.loadClass("org.pf4j.PluginManager").getClassLoader());
            try (AutoCloseable registry =
                    (AutoCloseable) registryClass.getMethod("load", Path.class).invoke(null, pluginsDir)) {
                Object tiny = registryClass.getMethod("dataset", String.class).invoke(registry, "tiny");
                assertEquals("tiny", tiny.getClass().getMethod("name").invoke(tiny));
                assertEquals(List.of(), registryClass.getMethod("failedPlugins").invoke(registry));
            }
        }
    }

    @Test
    void pluginWithoutExtensionsStartsHealthy() throws IOException {
        pluginJar(pluginsDir.resolve("empty.jar"), "empty")
                .pluginVersion("0.1.0")
                .build();

        try (PluginRegistry registry = PluginRegistry.load(pluginsDir)) {
            PluginStatus empty = registry.plugins().get(0);
            assertEquals("empty", empty.id());
            assertTrue(empty.isHealthy(), empty.failureReason());
            assertEquals(List.of(), empty.extensions());
            assertEquals(List.of(), registry.datasets());
        }
    }

    @Test
    void everyBrokenPluginIsReportedWithItsReasonAndTheGoodOneStillWorks() throws IOException {
        goodPlugin("good");
        writeJar(pluginsDir.resolve("no-id.jar"), Map.of("Plugin-Version", "1.0.0"), Map.of());
        try (OutputStream out = Files.newOutputStream(pluginsDir.resolve("no-manifest.jar"));
                java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            zip.write("no manifest here".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        writeJar(pluginsDir.resolve("no-version.jar"), Map.of("Plugin-Id", "noversion"), Map.of());
        pluginJar(pluginsDir.resolve("missing-plugin-class.jar"), "missingpluginclass")
                .pluginVersion("1.0.0")
                .pluginClass("org.example.NoSuchPlugin")
                .build();
        writeJar(
                pluginsDir.resolve("missing-extension.jar"),
                Map.of("Plugin-Id", "missingextension", "Plugin-Version", "1.0.0"),
                Map.of("META-INF/extensions.idx", "org.example.MissingDataset\n".getBytes(StandardCharsets.UTF_8)));
        pluginJar(pluginsDir.resolve("throwing.jar"), "throwing")
                .pluginVersion("1.0.0")
                .extension(ThrowingDataset.class.getName())
                .build();
        Files.writeString(pluginsDir.resolve("not-a-jar.jar"), "this is text, not a zip archive");
        writeJar(
                pluginsDir.resolve("bundles-api.jar"),
                Map.of("Plugin-Id", "bundlesapi", "Plugin-Version", "1.0.0"),
                Map.of(
                        "META-INF/extensions.idx",
                        (TinyDataset.class.getName() + "\n").getBytes(StandardCharsets.UTF_8),
                        classEntry(TinyDataset.class),
                        classBytes(TinyDataset.class),
                        classEntry(DatasetProvider.class),
                        classBytes(DatasetProvider.class)));
        pluginJar(pluginsDir.resolve("not-an-extension.jar"), "notanextension")
                .pluginVersion("1.0.0")
                .extension(NotAnExtension.class.getName())
                .build();
        pluginJar(pluginsDir.resolve("zz-duplicate.jar"), "zz-duplicate")
                .pluginVersion("1.0.0")
                .extension(TinyDataset.class.getName())
                .build();

        try (PluginRegistry registry = PluginRegistry.load(pluginsDir)) {
            assertEquals("tiny", registry.dataset("tiny").name());
            assertEquals(
                    "good",
                    registry.pluginOf(registry.dataset("tiny")).orElseThrow().id());
            assertEquals(1, registry.datasets().size());
            assertEquals(11, registry.plugins().size());
            assertEquals(10, registry.failedPlugins().size());

            assertFailed(registry, "no-id.jar", PluginStatus.State.FAILED, "invalid manifest: no Plugin-Id");
            assertNull(status(registry, "no-id.jar").id());
            assertFailed(
                    registry,
                    "no-manifest.jar",
                    PluginStatus.State.FAILED,
                    "invalid manifest: the jar has no META-INF/MANIFEST.MF");
            assertFailed(registry, "noversion", PluginStatus.State.FAILED, "invalid manifest: no Plugin-Version");
            assertFailed(
                    registry,
                    "missingpluginclass",
                    PluginStatus.State.FAILED,
                    "Plugin-Class org.example.NoSuchPlugin cannot be loaded: class not found: "
                            + "org.example.NoSuchPlugin");
            assertFailed(
                    registry,
                    "missingextension",
                    PluginStatus.State.STARTED,
                    "extension org.example.MissingDataset: class not found: org.example.MissingDataset");
            assertFailed(
                    registry,
                    "throwing",
                    PluginStatus.State.STARTED,
                    "extension org.mltoolkit.core.plugins.fixtures.ThrowingDataset: cannot be instantiated:"
                            + " IllegalStateException: cannot open the catalogue");
            assertFailed(registry, "not-a-jar.jar", PluginStatus.State.FAILED, "Cannot read manifest");
            assertFailed(
                    registry,
                    "bundlesapi",
                    PluginStatus.State.STARTED,
                    "copy of org.mltoolkit.api.DatasetProvider from the plugin jar");
            assertFailed(registry, "notanextension", PluginStatus.State.STARTED, "implements none of");
            assertFailed(
                    registry,
                    "zz-duplicate",
                    PluginStatus.State.STARTED,
                    "dataset name 'tiny' is already provided by plugin 'good'");
            for (PluginStatus status : registry.failedPlugins()) {
                assertFalse(status.failureReason().contains("\n"), status.failureReason());
            }
        }
    }

    @Test
    void unknownNameListsTheKnownNamesAndTheFailedPlugins() throws IOException {
        goodPlugin("good");
        Files.writeString(pluginsDir.resolve("broken.jar"), "not a jar");

        try (PluginRegistry registry = PluginRegistry.load(pluginsDir)) {
            UnknownExtensionException e =
                    assertThrows(UnknownExtensionException.class, () -> registry.dataset("cifar"));
            assertEquals(
                    "unknown dataset 'cifar'; known datasets: tiny; 1 plugin failed to load: broken.jar",
                    e.getMessage());
            assertEquals("cifar", e.getName());
            assertEquals("dataset", e.getKind());
            assertThrows(UnknownExtensionException.class, () -> registry.model("fc"));
            assertThrows(UnknownExtensionException.class, () -> registry.trainer("sgd"));
        }
    }

    @Test
    void missingPluginsDirectoryGivesAnEmptyRegistryThatSaysWhy() {
        Path absent = pluginsDir.resolve("absent");
        try (PluginRegistry registry = PluginRegistry.load(absent)) {
            assertFalse(registry.pluginsDirExists());
            assertEquals(List.of(), registry.plugins());
            UnknownExtensionException e =
                    assertThrows(UnknownExtensionException.class, () -> registry.dataset("mnist"));
            assertEquals(
                    "unknown dataset 'mnist'; known datasets: (none: no plugin provides one); plugins directory "
                            + absent + " does not exist",
                    e.getMessage());
        }
    }

    @Test
    void aFileInsteadOfAPluginsDirectoryIsRefused() throws IOException {
        Path file = Files.writeString(pluginsDir.resolve("plugins"), "x");
        ToolkitException e = assertThrows(ToolkitException.class, () -> PluginRegistry.load(file));
        assertEquals("plugins directory " + file + " is not a directory", e.getMessage());
    }

    @Test
    void closeStopsThePluginsAndCanBeRepeated() throws IOException {
        goodPlugin("good");
        PluginRegistry registry = PluginRegistry.load(pluginsDir);
        assertEquals(1, registry.datasets().size());
        registry.close();
        registry.close();
    }

    /** PF4J's jar builder, with class bytes read from the test class path (its default reader needs Guava). */
    private static PluginJar.Builder pluginJar(Path file, String pluginId) {
        return new PluginJar.Builder(file, pluginId).classDataProvider(PluginRegistryTest::classBytes);
    }

    private void goodPlugin(String id) throws IOException {
        pluginJar(pluginsDir.resolve(id + ".jar"), id)
                .pluginVersion("1.0.0")
                .manifestAttribute("Plugin-Description", "a good plugin")
                .extension(TinyDataset.class.getName())
                .build();
    }

    private static PluginStatus status(PluginRegistry registry, String label) {
        return registry.plugins().stream()
                .filter(p -> p.label().equals(label))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no plugin " + label + " in " + registry.plugins()));
    }

    private static void assertFailed(PluginRegistry registry, String label, PluginStatus.State state, String reason) {
        PluginStatus status = status(registry, label);
        assertEquals(state, status.state(), label);
        assertFalse(status.isHealthy(), label);
        assertTrue(
                status.failureReason().contains(reason),
                label + ": '" + status.failureReason() + "' should contain '" + reason + "'");
        assertEquals(List.of(), status.extensions(), label);
    }

    private static String classEntry(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static byte[] classBytes(Class<?> type) {
        return classBytes(type.getName());
    }

    private static byte[] classBytes(String className) {
        String entry = className.replace('.', '/') + ".class";
        try (InputStream in = PluginRegistryTest.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalArgumentException("no class file for " + className);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a jar with exactly this manifest (no PF4J defaults added) and these entries. */
    private static void writeJar(Path file, Map<String, String> manifestEntries, Map<String, byte[]> entries)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifestEntries.forEach((k, v) -> manifest.getMainAttributes().put(new Attributes.Name(k), v));
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : new LinkedHashMap<>(entries).entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
    }
}
