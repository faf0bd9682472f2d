package org.mltoolkit.core.plugins;

import java.util.Locale;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.TrainerProvider;

/** The three kinds of extension a plugin may contribute, each tied to its extension point in toolkit-api. */
public enum ExtensionKind {
    DATASET(DatasetProvider.class),
    MODEL(ModelProvider.class),
    TRAINER(TrainerProvider.class);

    private final Class<?> extensionPoint;

    ExtensionKind(Class<?> extensionPoint) {
        this.extensionPoint = extensionPoint;
    }

    /** The host's extension point interface for this kind. */
    public Class<?> extensionPoint() {
        return extensionPoint;
    }

    /** The kind in lower case, as listings and JSON spell it ({@code dataset}, {@code model}, {@code trainer}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }
}
