package org.mltoolkit.core.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.TrainerProvider;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * The datasets, models and trainers of every plugin jar in one plugins directory, loaded with PF4J.
 *
 * <p>Loading never stops at a bad plugin. A file that is not a jar, a manifest without an id or version, a
 * missing class, a constructor that throws, or an extension built against its own copy of toolkit-api is kept
 * as a {@link PluginStatus} naming the plugin (or its file) and the reason, and every other plugin still works.
 * Extensions are instantiated one by one, so one broken extension does not take its plugin's others down.
 *
 * <p>PF4J logs through SLF4J; the host decides how loud that is. The reasons collected here do not depend on it.
 *
 * <p>Closing stops the plugins and closes their class loaders: extensions must not be used afterwards.
 */
public final class PluginRegistry implements ExtensionLookup, AutoCloseable {
    private final Path pluginsDir;
    private final ToolkitPluginManager manager;
    private final List<PluginStatus> plugins = new ArrayList<>();
    private final Map<ExtensionKind, List<Object>> extensions = new EnumMap<>(ExtensionKind.class);
    private final Map<Object, PluginStatus> owners = new IdentityHashMap<>();
    private boolean closed;

    private PluginRegistry(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
        for (ExtensionKind kind : ExtensionKind.values()) {
            extensions.put(kind, new ArrayList<>());
        }
        if (!Files.isDirectory(pluginsDir)) {
            manager = null;
            return;
        }
        manager = new ToolkitPluginManager(pluginsDir);
        manager.loadPlugins();
        manager.startPlugins();

        List<PluginWrapper> wrappers = new ArrayList<>(manager.getPlugins());
        wrappers.sort(Comparator.comparing(PluginWrapper::getPluginId));
        Map<ExtensionKind, Map<String, String>> claimedNames = new EnumMap<>(ExtensionKind.class);
        for (ExtensionKind kind : ExtensionKind.values()) {
            claimedNames.put(kind, new HashMap<>());
        }
        for (PluginWrapper wrapper : wrappers) {
            plugins.add(describe(wrapper, claimedNames));
        }
        for (ToolkitPluginManager.LoadFailure failure : manager.loadFailures()) {
            plugins.add(new PluginStatus(
                    failure.pluginId(),
                    failure.version(),
                    PluginStatus.State.FAILED,
                    failure.path(),
                    "",
                    List.of(),
                    List.of(failure.reason())));
        }
        plugins.sort(Comparator.comparing(PluginStatus::label).thenComparing(PluginStatus::path));
    }

    /**
     * Loads and starts every plugin jar in {@code pluginsDir}. A directory that does not exist gives an empty
     * registry (see {@link #pluginsDirExists()}). Throws ToolkitException if {@code pluginsDir} exists but is
     * not a directory; problems with individual plugins never throw, they are reported by {@link #plugins()}.
     */
    public static PluginRegistry load(Path pluginsDir) {
        Path dir = Objects.requireNonNull(pluginsDir, "pluginsDir")
                .toAbsolutePath()
                .normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ToolkitException("plugins directory " + dir + " is not a directory");
        }
        return new PluginRegistry(dir);
    }

    /** The directory the plugins were loaded from. */
    public Path pluginsDir() {
        return pluginsDir;
    }

    /** False when the plugins directory does not exist (then there are no plugins). */
    public boolean pluginsDirExists() {
        return manager != null;
    }

    /** Every plugin file found, healthy or not, in id order (files without a readable id by file name). */
    public List<PluginStatus> plugins() {
        return List.copyOf(plugins);
    }

    /** The plugins that failed, or started with an extension that failed. */
    public List<PluginStatus> failedPlugins() {
        return plugins.stream().filter(p -> !p.isHealthy()).toList();
    }

    @Override
    public List<DatasetProvider> datasets() {
        return extensionsOf(ExtensionKind.DATASET, DatasetProvider.class);
    }

    @Override
    public List<ModelProvider> models() {
        return extensionsOf(ExtensionKind.MODEL, ModelProvider.class);
    }

    @Override
    public List<TrainerProvider> trainers() {
        return extensionsOf(ExtensionKind.TRAINER, TrainerProvider.class);
    }

    @Override
    public DatasetProvider dataset(String name) {
        try {
            return ExtensionLookup.super.dataset(name);
        } catch (UnknownExtensionException e) {
            throw withContext(e);
        }
    }

    @Override
    public ModelProvider model(String name) {
        try {
            return ExtensionLookup.super.model(name);
        } catch (UnknownExtensionException e) {
            throw withContext(e);
        }
    }

    @Override
    public TrainerProvider trainer(String name) {
        try {
            return ExtensionLookup.super.trainer(name);
        } catch (UnknownExtensionException e) {
            throw withContext(e);
        }
    }

    @Override
    public Optional<PluginStatus> pluginOf(Object extension) {
        return Optional.ofNullable(owners.get(extension));
    }

    /** Stops every plugin and closes its class loader. Calling it again does nothing. */
    @Override
    public void close() {
        if (closed || manager == null) {
            closed = true;
            return;
        }
        closed = true;
        // One by one, newest first: PF4J 3.15's stopPlugins() removes from the list it iterates and throws
        // ConcurrentModificationException as soon as one plugin has started.
        List<PluginWrapper> started = new ArrayList<>(manager.getStartedPlugins());
        java.util.Collections.reverse(started);
        for (PluginWrapper wrapper : started) {
            try {
                manager.stopPlugin(wrapper.getPluginId());
            } catch (RuntimeException e) {
                // A plugin that cannot stop is unloaded below all the same; there is nobody left to tell.
            }
        }
        manager.unloadPlugins();
    }

    private UnknownExtensionException withContext(UnknownExtensionException e) {
        List<String> notes = new ArrayList<>();
        if (!pluginsDirExists()) {
            notes.add("plugins directory " + pluginsDir + " does not exist");
        } else if (plugins.isEmpty()) {
            notes.add("no plugins in " + pluginsDir);
        }
        List<PluginStatus> failed = failedPlugins();
        if (!failed.isEmpty()) {
            notes.add(failed.size() + (failed.size() == 1 ? " plugin" : " plugins") + " failed to load: "
                    + String.join(", ", failed.stream().map(PluginStatus::label).toList()));
        }
        return notes.isEmpty() ? e : new UnknownExtensionException(e, String.join("; ", notes));
    }

    private <T> List<T> extensionsOf(ExtensionKind kind, Class<T> type) {
        return extensions.get(kind).stream().map(type::cast).toList();
    }

    private PluginStatus describe(PluginWrapper wrapper, Map<ExtensionKind, Map<String, String>> claimedNames) {
        String id = wrapper.getPluginId();
        String version = wrapper.getDescriptor().getVersion();
        String description = wrapper.getDescriptor().getPluginDescription();
        Path path = wrapper.getPluginPath();
        PluginState state = wrapper.getPluginState();
        List<String> failures = new ArrayList<>();

        if (state != PluginState.STARTED) {
            PluginStatus.State shown = state == PluginState.DISABLED
                    ? PluginStatus.State.DISABLED
                    : state == PluginState.STOPPED ? PluginStatus.State.STOPPED : PluginStatus.State.FAILED;
            if (wrapper.getFailedException() != null) {
                failures.add(Failures.describe(wrapper.getFailedException()));
            } else if (manager.resolveFailure(id) != null) {
                failures.add(manager.resolveFailure(id));
            } else if (shown == PluginStatus.State.FAILED) {
                failures.add("not started (state " + state + ")");
            }
            return new PluginStatus(id, version, shown, path, description, List.of(), failures);
        }

        List<ExtensionInfo> infos = new ArrayList<>();
        List<Object> instances = new ArrayList<>();
        ClassLoader loader = wrapper.getPluginClassLoader();
        TreeSet<String> classNames = new TreeSet<>();
        try {
            classNames.addAll(manager.getExtensionClassNames(id));
        } catch (RuntimeException | LinkageError e) {
            failures.add("cannot read the extension index: " + Failures.describe(e));
        }
        for (String className : classNames) {
            try {
                Class<?> extensionClass = Class.forName(className, false, loader);
                if (extensionClass.getClassLoader() != loader) {
                    // A plugin without an extension index of its own sees the host's through its parent class
                    // loader; classes from the host are not this plugin's extensions.
                    continue;
                }
                List<ExtensionKind> kinds = kindsOf(extensionClass);
                Object instance = instantiate(extensionClass, loader);
                List<ExtensionInfo> found = new ArrayList<>();
                for (ExtensionKind kind : kinds) {
                    found.add(info(kind, instance, className));
                }
                for (ExtensionInfo info : found) {
                    String owner = claimedNames.get(info.kind()).get(info.name());
                    if (owner != null) {
                        throw new ToolkitException(info.kind() + " name '" + info.name()
                                + "' is already provided by plugin '" + owner + "'");
                    }
                }
                for (ExtensionInfo info : found) {
                    claimedNames.get(info.kind()).put(info.name(), id);
                    extensions.get(info.kind()).add(instance);
                }
                infos.addAll(found);
                instances.add(instance);
            } catch (Exception | LinkageError e) {
                failures.add("extension " + className + ": " + Failures.describe(e));
            }
        }
        infos.sort(Comparator.comparing(ExtensionInfo::kind).thenComparing(ExtensionInfo::name));
        PluginStatus status =
                new PluginStatus(id, version, PluginStatus.State.STARTED, path, description, infos, failures);
        for (Object instance : instances) {
            owners.put(instance, status);
        }
        return status;
    }

    private Object instantiate(Class<?> extensionClass, ClassLoader loader) {
        // Libraries that look up services through the context class loader must see the plugin's classes.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return manager.getExtensionFactory().create(extensionClass);
        } catch (RuntimeException | LinkageError e) {
            throw new PluginRuntimeException(e, "cannot be instantiated");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static ExtensionInfo info(ExtensionKind kind, Object instance, String className) {
        String name;
        String description;
        switch (kind) {
            case DATASET -> {
                DatasetProvider p = (DatasetProvider) instance;
                name = p.name();
                description = p.description();
            }
            case MODEL -> {
                ModelProvider p = (ModelProvider) instance;
                name = p.name();
                description = p.description();
            }
            case TRAINER -> {
                TrainerProvider p = (TrainerProvider) instance;
                name = p.name();
                description = p.description();
            }
            default -> throw new IllegalStateException("unhandled extension kind " + kind);
        }
        if (name == null || name.isBlank()) {
            throw new ToolkitException(kind + " has an empty name()");
        }
        return new ExtensionInfo(kind, name, description, className);
    }

    /**
     * The extension points the class implements. Throws ToolkitException when it implements none of the host's,
     * naming the likely cause when the plugin carries its own copy of a toolkit-api interface.
     */
    private static List<ExtensionKind> kindsOf(Class<?> extensionClass) {
        List<ExtensionKind> kinds = new ArrayList<>();
        for (ExtensionKind kind : ExtensionKind.values()) {
            if (kind.extensionPoint().isAssignableFrom(extensionClass)) {
                kinds.add(kind);
            }
        }
        if (!kinds.isEmpty()) {
            return kinds;
        }
        for (Class<?> type : allSupertypes(extensionClass)) {
            for (ExtensionKind kind : ExtensionKind.values()) {
                if (type.getName().equals(kind.extensionPoint().getName())) {
                    throw new ToolkitException("implements a copy of " + type.getName()
                            + " from the plugin jar, not the host's: the plugin must not bundle toolkit-api"
                            + " (declare it with scope provided)");
                }
            }
        }
        throw new ToolkitException("implements none of the extension points "
                + String.join(
                        ", ",
                        java.util.Arrays.stream(ExtensionKind.values())
                                .map(k -> k.extensionPoint().getName())
                                .toList()));
    }

    private static List<Class<?>> allSupertypes(Class<?> type) {
        List<Class<?>> result = new ArrayList<>();
        List<Class<?>> pending = new ArrayList<>(List.of(type));
        while (!pending.isEmpty()) {
            Class<?> current = pending.remove(pending.size() - 1);
            if (current == null || result.contains(current)) {
                continue;
            }
            result.add(current);
            pending.add(current.getSuperclass());
            pending.addAll(List.of(current.getInterfaces()));
        }
        return result;
    }
}
