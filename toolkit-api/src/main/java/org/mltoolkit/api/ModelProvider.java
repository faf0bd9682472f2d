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

    /**
     * The number of trainable parameters {@link #create(ModelSpec)} would give the model for {@code spec}, computed
     * without building it, or -1 when it cannot be known before building (the default). A host compares it with the
     * weights a checkpoint holds before building the checkpoint's model, so that options read from a file (layer
     * widths, say) cannot make it allocate a model those weights do not describe. Throws
     * InvalidConfigurationException for options {@link #create(ModelSpec)} would refuse.
     */
    default long parameterCount(ModelSpec spec) {
        return -1;
    }
}
