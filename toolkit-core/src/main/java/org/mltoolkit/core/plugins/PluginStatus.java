package org.mltoolkit.core.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What became of one plugin file: its identity, its state, the extensions the host could use and, when
 * something went wrong, why.
 *
 * <p>A plugin is {@linkplain #isHealthy() healthy} when it started and every extension it declares could be
 * instantiated. A started plugin with a broken extension still contributes its other extensions.
 *
 * @param id          the manifest's {@code Plugin-Id}, or null when the file could not be read far enough to
 *                    tell (then {@link #path()} names it)
 * @param version     the manifest's {@code Plugin-Version}, or null when unknown
 * @param state       what the plugin came to
 * @param path        the plugin file
 * @param description the manifest's {@code Plugin-Description}, or the empty string
 * @param extensions  the extensions that were instantiated, in kind and name order
 * @param failures    one line per problem: why the plugin failed, or which extension failed and why
 */
public record PluginStatus(
        String id,
        String version,
        State state,
        Path path,
        String description,
        List<ExtensionInfo> extensions,
        List<String> failures) {

    /** The states a plugin can end in, as the host sees them. */
    public enum State {
        /** Loaded and started; its extensions are available. */
        STARTED,
        /** Could not be read, loaded, resolved or started; it contributes nothing. */
        FAILED,
        /** Switched off in the plugins directory's {@code disabled.txt}, or not meant for this toolkit version. */
        DISABLED,
        /** Loaded but not started (for example stopped by the host). */
        STOPPED;

        /** The state in lower case, as listings and JSON spell it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return label();
        }
    }

    public PluginStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(path, "path");
        description = description == null ? "" : description;
        extensions = List.copyOf(extensions);
        failures = List.copyOf(failures);
    }

    /** True when the plugin started and none of its extensions failed. */
    public boolean isHealthy() {
        return state == State.STARTED && failures.isEmpty();
    }

    /** The failures joined into one line, or the empty string when there are none. */
    public String failureReason() {
        return String.join("; ", failures);
    }

    /** The plugin id, or the file name when the id could not be read. */
    public String label() {
        return id != null ? id : String.valueOf(path.getFileName());
    }

    /** Extension names grouped by kind; every kind is present, in declaration order, possibly with no names. */
    public Map<ExtensionKind, List<String>> extensionNamesByKind() {
        Map<ExtensionKind, List<String>> byKind = new EnumMap<>(ExtensionKind.class);
        for (ExtensionKind kind : ExtensionKind.values()) {
            byKind.put(kind, new ArrayList<>());
        }
        for (ExtensionInfo extension : extensions) {
            byKind.get(extension.kind()).add(extension.name());
        }
        byKind.replaceAll((kind, names) -> List.copyOf(names));
        return byKind;
    }
}
