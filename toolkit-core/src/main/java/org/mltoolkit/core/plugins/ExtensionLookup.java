package org.mltoolkit.core.plugins;

import java.util.List;
import java.util.Optional;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.TrainerProvider;

/**
 * Finds datasets, models and trainers by name. The command line uses the PF4J-backed {@link PluginRegistry};
 * an application that embeds the core may instead hand its own providers to {@link StaticExtensions}.
 */
public interface ExtensionLookup {

    List<DatasetProvider> datasets();

    List<ModelProvider> models();

    List<TrainerProvider> trainers();

    /** Throws UnknownExtensionException listing the known datasets if none is called {@code name}. */
    default DatasetProvider dataset(String name) {
        return find("dataset", name, datasets(), DatasetProvider::name);
    }

    /** Throws UnknownExtensionException listing the known models if none is called {@code name}. */
    default ModelProvider model(String name) {
        return find("model", name, models(), ModelProvider::name);
    }

    /** Throws UnknownExtensionException listing the known trainers if none is called {@code name}. */
    default TrainerProvider trainer(String name) {
        return find("trainer", name, trainers(), TrainerProvider::name);
    }

    /**
     * The plugin that contributed {@code extension}, if it came from one. Extensions handed over directly
     * (for example through {@link StaticExtensions}) have none.
     */
    default Optional<PluginStatus> pluginOf(Object extension) {
        return Optional.empty();
    }

    private static <T> T find(String kind, String name, List<T> all, java.util.function.Function<T, String> nameOf) {
        for (T t : all) {
            if (nameOf.apply(t).equals(name)) {
                return t;
            }
        }
        throw new UnknownExtensionException(
                kind, name, all.stream().map(nameOf).sorted().toList());
    }
}
