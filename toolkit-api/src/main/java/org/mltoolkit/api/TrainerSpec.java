package org.mltoolkit.api;

import java.util.Objects;

/**
 * How to train: the optimizer by name ({@code adam}, {@code sgd}, ...), its initial learning rate, a seed
 * for anything random inside the trainer, and trainer-specific options.
 */
public record TrainerSpec(String optimizer, double learningRate, long seed, PluginOptions options) {
    public TrainerSpec {
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(options, "options");
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidConfigurationException("learningRate", learningRate, "must be a positive number");
        }
    }
}
