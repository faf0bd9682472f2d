package org.mltoolkit.api;

import java.nio.file.Path;

/** A model that can write itself as an inference ONNX file that any ONNX runtime can run. */
public interface OnnxExportable {
    /**
     * Writes the model's inference graph (input {@code input} as the model's layout, output {@code log_probs})
     * to {@code file}, replacing it atomically. Throws ToolkitException when the file cannot be written.
     */
    void exportOnnx(Path file);
}
