package org.mltoolkit.core.engine;

/** The names under which the standard handlers publish metrics in {@link EngineState#metrics()}. */
public final class MetricNames {
    /** Running average of the training loss (mean NLL of a batch). */
    public static final String LOSS = "loss";
    /** Running average of the training accuracy of a batch. */
    public static final String ACCURACY = "accuracy";
    /** Running average of the global L2 norm of the parameters. */
    public static final String PARAM_NORM = "|param|";
    /** Running average of the global L2 norm of the gradients. */
    public static final String GRAD_NORM = "|g_param|";
    /** Exact mean NLL over the validation set, after each epoch. */
    public static final String VALID_LOSS = "valid_loss";
    /** Exact accuracy over the validation set, after each epoch. */
    public static final String VALID_ACCURACY = "valid_accuracy";

    private MetricNames() {}
}
