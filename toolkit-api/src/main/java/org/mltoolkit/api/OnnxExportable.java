package org.mltoolkit.api;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A model that can write itself as an inference ONNX model that any ONNX runtime can run. The model writes bytes;
 * where they go is the caller's business: the core places them in a file atomically, so no plugin writes files of
 * its own for an export.
 */
public interface OnnxExportable {
    /**
     * Writes the model's inference graph to {@code out}: one serialized ONNX {@code ModelProto} whose input is named
     * {@code input} (in the model's input layout, the batch dimension free) and whose output is {@code log_probs}
     * (log-probabilities, one row per example).
     *
     * <p>The contract: the method either writes the whole model and returns, or throws. It writes to {@code out}
     * alone (no file of its own), does not close it (the caller owns the stream), and does not mutate the model.
     * When it throws it may have written part of the model, so the caller must not keep what was written then: the
     * core writes into a temporary file that replaces the target only after this method returned. Throws IOException
     * when {@code out} fails, and ToolkitException when the model cannot be expressed as an ONNX graph.
     */
    void writeOnnx(OutputStream out) throws IOException;
}
