package org.mltoolkit.plugin.cnn.autodiff;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.Map;

/**
 * A derived training graph and the names of its special outputs.
 *
 * @param model            the ONNX model: forward in training mode, the loss, the gradients
 * @param lossOutput       scalar mean loss, or null when the gradient was seeded by an input
 * @param predictionOutput the forward output (log-probabilities) as computed in training mode
 * @param seedInput        the input that seeds the output gradient, or null when the loss is the NLL
 * @param gradientOutputs  parameter name to the output holding its gradient, in the request's order
 * @param bufferOutputs    buffer name to the output holding its value after this step
 */
public record TrainingGraph(
        ModelProto model,
        String lossOutput,
        String predictionOutput,
        String seedInput,
        Map<String, String> gradientOutputs,
        Map<String, String> bufferOutputs) {}
