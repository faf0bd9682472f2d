package org.mltoolkit.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.core.plugins.fixtures.SupportLibraryUser;
import org.mltoolkit.core.plugins.fixtures.SupportLibraryUserA;
import org.mltoolkit.core.plugins.fixtures.SupportLibraryUserB;
import org.mltoolkit.core.plugins.fixtures.TinyDataset;
import org.mltoolkit.plugin.support.optim.Optimizers;

/**
 * Plugins shade the plugin support library into their jars, as the repository's plugins do. Two such plugins load
 * side by side, each using its own copy (PF4J looks in the plugin before the application), even though this test's
 * own class path holds a third copy.
 */
class SharedSupportLibraryTest {

    @TempDir
    Path pluginsDir;

    @Test
    void twoPluginsCarryingTheSupportLibraryEachUseTheirOwnCopy() throws Exception {
        Map<String, byte[]> library = supportLibraryClasses();
        writePlugin(pluginsDir.resolve("a.jar"), "support-a", SupportLibraryUserA.class, library);
        writePlugin(pluginsDir.resolve("b.jar"), "support-b", SupportLibraryUserB.class, library);

        try (PluginRegistry registry = PluginRegistry.load(pluginsDir)) {
            assertEquals(List.of(), registry.failedPlugins());
            DatasetProvider a = registry.dataset("support-a");
            DatasetProvider b = registry.dataset("support-b");
            ClassLoader loaderA = a.getClass().getClassLoader();
            ClassLoader loaderB = b.getClass().getClassLoader();
            assertNotSame(loaderA, loaderB);

            Class<?> optimizersA = loaderA.loadClass(Optimizers.class.getName());
            Class<?> optimizersB = loaderB.loadClass(Optimizers.class.getName());
            assertSame(loaderA, optimizersA.getClassLoader(), "plugin a's own copy");
            assertSame(loaderB, optimizersB.getClassLoader(), "plugin b's own copy");
            assertNotSame(Optimizers.class, optimizersA, "not the application's copy");

            assertEquals("one Adam step: 0.9", a.description());
            assertEquals("one Adam step: 0.9", b.description());
        }
    }

    /** The class files of the support library as the test class path holds it, by jar entry name. */
    private static Map<String, byte[]> supportLibraryClasses() throws IOException, URISyntaxException {
        Path location = Path.of(Optimizers.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Map<String, byte[]> classes = new LinkedHashMap<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    classes.put(location.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().endsWith(".class")) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            classes.put(entry.getName(), in.readAllBytes());
                        }
                    }
                }
            }
        }
        assertTrue(classes.containsKey(entryName(Optimizers.class.getName())), "found the library at " + location);
        return classes;
    }

    /** A plugin jar like the shade plugin makes: the extension, its base classes and the library, with an index. */
    private static void writePlugin(Path file, String id, Class<?> extension, Map<String, byte[]> library)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Plugin-Id"), id);
        manifest.getMainAttributes().put(new Attributes.Name("Plugin-Version"), "1.0.0");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("META-INF/extensions.idx", (extension.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        for (Class<?> type : List.of(extension, SupportLibraryUser.class, TinyDataset.class)) {
            entries.put(entryName(type.getName()), classBytes(type));
        }
        entries.putAll(library);
        try (OutputStream out = Files.newOutputStream(file);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(entry.getKey()));
                jar.write(entry.getValue());
                jar.closeEntry();
            }
        }
    }

    private static String entryName(String className) {
        return className.replace('.', '/') + ".class";
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        try (InputStream in = type.getClassLoader().getResourceAsStream(entryName(type.getName()))) {
            return in.readAllBytes();
        }
    }
}
