package org.mltoolkit.api;

import org.pf4j.ExtensionPoint;

/** A named family of models, for example {@code fc} or {@code cnn}. */
public interface ModelProvider extends ExtensionPoint {

    /** The name users type. */
    String name();

    /** One line for listings. */
    String description();

    /** How the model wants its batches. */
    InputLayout inputLayout();

    /** The trainer used when the user names none; it must support this model. */
    String defaultTrainer();

    /**
     * Builds a fresh, initialised model. Throws InvalidConfigurationException for options it does not accept
     * and ToolkitException when the requested device cannot be used.
     */
    Model create(ModelSpec spec);
}
