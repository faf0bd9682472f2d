package org.mltoolkit.core.plugins;

import java.util.Objects;

/**
 * One extension a plugin contributes and the host could instantiate.
 *
 * @param kind        dataset, model or trainer
 * @param name        the name users type
 * @param description the provider's one-line description
 * @param className   the implementing class
 */
public record ExtensionInfo(ExtensionKind kind, String name, String description, String className) {
    public ExtensionInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(className, "className");
        description = description == null ? "" : description;
    }
}
