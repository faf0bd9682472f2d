package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.core.run.Evaluation;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The choice {@code evaluate} and {@code predict} share: a checkpoint, or a pretrained ONNX classifier used directly
 * through the {@code onnx} model ({@code --onnx FILE}, with {@code --model-option} for its preprocessing).
 */
final class PretrainedNetwork {
    /** The model that runs a pretrained ONNX file. */
    static final String ONNX_MODEL = "onnx";
    /** The dataset evaluated when a pretrained network is given without {@code --dataset}. */
    static final String DEFAULT_DATASET = "mnist";

    private PretrainedNetwork() {}

    /**
     * Points {@code builder} at the checkpoint or at the ONNX file. Throws ParameterException when both or neither
     * are given, or model options come without {@code --onnx}.
     */
    static void configure(
            CommandLine commandLine,
            Evaluation.Builder builder,
            Path checkpoint,
            Path onnx,
            Map<String, String> modelOptions,
            String dataset) {
        if ((checkpoint == null) == (onnx == null)) {
            throw new ParameterException(commandLine, "give either --checkpoint FILE or --onnx FILE");
        }
        if (checkpoint != null) {
            if (!modelOptions.isEmpty()) {
                throw new ParameterException(
                        commandLine, "--model-option goes with --onnx; a checkpoint keeps its model's options");
            }
            builder.checkpoint(checkpoint);
            if (dataset != null) {
                builder.dataset(dataset);
            }
            return;
        }
        Map<String, String> options = new LinkedHashMap<>(modelOptions);
        options.put("file", onnx.toString());
        builder.model(ONNX_MODEL).modelOptions(options).dataset(dataset != null ? dataset : DEFAULT_DATASET);
    }

    /** How the text output names what was evaluated: the checkpoint, or the file as a pretrained network. */
    static String label(Path checkpoint, Path onnx, int epoch) {
        return checkpoint != null ? checkpoint + ": model %s after epoch " + epoch : onnx + ": pretrained, model %s";
    }
}
