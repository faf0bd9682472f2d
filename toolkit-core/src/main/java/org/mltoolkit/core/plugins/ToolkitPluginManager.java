package org.mltoolkit.core.plugins;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.pf4j.DefaultPluginFactory;
import org.pf4j.InvalidPluginDescriptorException;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * PF4J's jar plugin manager with every per-plugin failure kept instead of logged and dropped: a file that
 * cannot be loaded becomes a {@link LoadFailure}, a plugin whose dependencies cannot be resolved gets a reason,
 * and a plugin class that is missing or cannot be built fails its plugin with a message saying so (PF4J's
 * default factory logs and returns null, which later surfaces as a bare NullPointerException).
 */
final class ToolkitPluginManager extends JarPluginManager {

    /** A plugin file that never became a loaded plugin. Id and version are null when the manifest is unreadable. */
    record LoadFailure(Path path, String pluginId, String version, String reason) {}

    private final List<LoadFailure> loadFailures = new ArrayList<>();
    private final Map<String, String> resolveFailures = new HashMap<>();

    ToolkitPluginManager(Path pluginsDir) {
        super(pluginsDir);
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
    }

    /** Files that could not be loaded, in file name order. */
    List<LoadFailure> loadFailures() {
        return List.copyOf(loadFailures);
    }

    /** Why the plugin with this id could not be resolved, or null. */
    String resolveFailure(String pluginId) {
        return resolveFailures.get(pluginId);
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ManifestPluginDescriptorFinder() {
            @Override
            protected Manifest readManifestFromJar(Path jarPath) {
                Manifest manifest = super.readManifestFromJar(jarPath);
                if (manifest == null) {
                    throw new InvalidPluginDescriptorException("invalid manifest: the jar has no META-INF/MANIFEST.MF");
                }
                return manifest;
            }
        };
    }

    /**
     * Jar plugin loaders whose class loaders have the toolkit's own class loader (this class's) as parent, not PF4J's
     * (PF4J's default): a host that loads PF4J above the toolkit, as a Spark executor does when the cluster's class
     * path holds PF4J and the job's jars sit in a child loader, would otherwise give every plugin a parent that
     * cannot see the toolkit's API, and every extension would fail with "class not found: org.mltoolkit.api...".
     */
    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor pluginDescriptor) {
                return new PluginClassLoader(
                        pluginManager, pluginDescriptor, ToolkitPluginManager.class.getClassLoader());
            }
        };
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return new StrictPluginFactory();
    }

    /**
     * Loads every jar of the plugins directory one by one, so that one bad file cannot stop the others, then
     * resolves dependencies. Never throws for a bad plugin: the failure is kept for {@link #loadFailures()}.
     */
    @Override
    public void loadPlugins() {
        List<Path> paths = new ArrayList<>(pluginRepository.getPluginPaths());
        paths.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path path : paths) {
            try {
                if (loadPluginFromPath(path) == null) {
                    recordLoadFailure(path, "cannot be loaded");
                }
            } catch (Exception | LinkageError e) {
                recordLoadFailure(path, Failures.describe(e));
            }
        }

        List<PluginWrapper> loaded = getPlugins();
        try {
            resolvePlugins();
        } catch (RuntimeException e) {
            String reason = "dependencies cannot be resolved: " + Failures.describe(e);
            for (PluginWrapper wrapper : getUnresolvedPlugins()) {
                resolveFailures.put(wrapper.getPluginId(), reason);
            }
        }
        // Plugins with a missing or wrong-version dependency were unloaded by the recovery strategy.
        for (PluginWrapper wrapper : loaded) {
            if (getPlugin(wrapper.getPluginId()) == null) {
                List<String> dependencies = new ArrayList<>();
                for (PluginDependency dependency : wrapper.getDescriptor().getDependencies()) {
                    dependencies.add(dependency.getPluginId() + "@" + dependency.getPluginVersionSupport());
                }
                loadFailures.add(new LoadFailure(
                        wrapper.getPluginPath(),
                        wrapper.getPluginId(),
                        wrapper.getDescriptor().getVersion(),
                        "unresolved dependencies: needs " + String.join(", ", dependencies)));
            }
        }
    }

    /** PF4J's checks, with messages that name the manifest attribute a plugin author has to add. */
    @Override
    protected void validatePluginDescriptor(PluginDescriptor descriptor) {
        if (descriptor.getPluginId() == null || descriptor.getPluginId().isBlank()) {
            throw new InvalidPluginDescriptorException("invalid manifest: no Plugin-Id");
        }
        if (descriptor.getVersion() == null || descriptor.getVersion().isBlank()) {
            throw new InvalidPluginDescriptorException("invalid manifest: no Plugin-Version");
        }
    }

    private void recordLoadFailure(Path path, String reason) {
        String id = null;
        String version = null;
        if (Files.isRegularFile(path)) {
            try (JarFile jar = new JarFile(path.toFile())) {
                Manifest manifest = jar.getManifest();
                if (manifest != null) {
                    id = manifest.getMainAttributes().getValue(ManifestPluginDescriptorFinder.PLUGIN_ID);
                    version = manifest.getMainAttributes().getValue(ManifestPluginDescriptorFinder.PLUGIN_VERSION);
                }
            } catch (IOException | RuntimeException e) {
                // Not even a readable jar: the reason already says so, and the file name identifies it.
            }
        }
        loadFailures.add(new LoadFailure(path, blankToNull(id), blankToNull(version), reason));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Builds plugin classes like PF4J's default factory, but throws a clear exception instead of returning null. */
    private static final class StrictPluginFactory extends DefaultPluginFactory {
        @Override
        public Plugin create(PluginWrapper pluginWrapper) {
            String className = pluginWrapper.getDescriptor().getPluginClass();
            Class<?> pluginClass;
            try {
                pluginClass = pluginWrapper.getPluginClassLoader().loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new PluginRuntimeException(e, "Plugin-Class {} cannot be loaded", className);
            }
            int modifiers = pluginClass.getModifiers();
            if (Modifier.isAbstract(modifiers)
                    || Modifier.isInterface(modifiers)
                    || !Plugin.class.isAssignableFrom(pluginClass)) {
                throw new PluginRuntimeException(
                        "Plugin-Class {} is not a concrete subclass of {}", className, Plugin.class.getName());
            }
            try {
                Constructor<?> constructor;
                try {
                    constructor = pluginClass.getConstructor(PluginWrapper.class);
                    return (Plugin) constructor.newInstance(pluginWrapper);
                } catch (NoSuchMethodException e) {
                    constructor = pluginClass.getConstructor();
                    return (Plugin) constructor.newInstance();
                }
            } catch (InvocationTargetException e) {
                throw new PluginRuntimeException(e.getCause(), "constructor of Plugin-Class {} failed", className);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new PluginRuntimeException(e, "Plugin-Class {} cannot be instantiated", className);
            }
        }
    }
}
