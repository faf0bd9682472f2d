package org.mltoolkit.api;

import org.pf4j.ExtensionPoint;

/** A named way of training models, for example {@code ort} (ONNX Runtime) or {@code batched-sgd}. */
public interface TrainerProvider extends ExtensionPoint {

    /** The name users type. */
    String name();

    /** One line for listings. */
    String description();

    /** True if this trainer can train models of the named provider. */
    boolean supports(String modelName);

    /**
     * Creates a trainer bound to {@code model}. Throws InvalidConfigurationException for an optimizer or option
     * it does not accept and ToolkitException if the model is not one it supports.
     */
    Trainer create(Model model, TrainerSpec spec);
}
