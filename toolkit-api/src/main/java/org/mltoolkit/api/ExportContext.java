package org.mltoolkit.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an exported model file should record that the model itself does not know: what its outputs are called
 * and where it came from.
 *
 * @param classNames     one name per output, in output order
 * @param dataset        the name of the dataset the model was trained on
 * @param epoch          the epoch after which the exported weights were saved
 * @param configuration  the whole training configuration, setting name to value as text (kept sorted by name)
 * @param toolkitVersion the version of the toolkit that exports
 * @param pluginVersions plugin id to version, for the plugins that provided the dataset, model and trainer (kept
 *                       sorted by id)
 */
public record ExportContext(
        List<String> classNames,
        String dataset,
        int epoch,
        Map<String, String> configuration,
        String toolkitVersion,
        Map<String, String> pluginVersions) {
    public ExportContext {
        classNames = List.copyOf(classNames);
        Objects.requireNonNull(dataset, "dataset");
        configuration = Collections.unmodifiableMap(new TreeMap<>(configuration));
        Objects.requireNonNull(toolkitVersion, "toolkitVersion");
        pluginVersions = Collections.unmodifiableMap(new TreeMap<>(pluginVersions));
    }
}
