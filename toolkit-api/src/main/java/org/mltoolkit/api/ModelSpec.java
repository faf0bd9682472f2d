package org.mltoolkit.api;

import java.util.Objects;

/**
 * Everything a model provider needs to build a fresh model. The core stores it in checkpoints and builds
 * the same model again from it.
 *
 * @param inputShape shape of one example
 * @param numClasses number of output classes
 * @param seed       seed for weight initialisation; the same seed gives the same initial weights
 * @param device     where the model should run
 * @param threads    number of compute threads the model may use (at least 1)
 * @param options    model-specific options
 */
public record ModelSpec(
        ExampleShape inputShape, int numClasses, long seed, Device device, int threads, PluginOptions options) {
    public ModelSpec {
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(options, "options");
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }
}
