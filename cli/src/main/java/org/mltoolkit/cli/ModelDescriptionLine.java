package org.mltoolkit.cli;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One line that shows what a model is, for models that describe themselves ({@code Model.description()}, for
 * example a user's ONNX network): {@code model onnx: input 'image' [N,1,28,28]; output 'logits' logits (...); ...}.
 */
final class ModelDescriptionLine {
    private ModelDescriptionLine() {}

    /** The line for model {@code name}, or null when {@code description} is empty (nothing worth a line). */
    static String of(String name, Map<String, String> description) {
        if (description.isEmpty()) {
            return null;
        }
        return "model " + name + ": "
                + description.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining("; "));
    }
}
