package org.mltoolkit.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.core.run.Evaluation;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The choice {@code evaluate} and {@code predict} share, as a mixin: a checkpoint ({@code --checkpoint FILE}), or a
 * pretrained ONNX classifier used directly through the {@code onnx} model ({@code --onnx FILE}, with
 * {@code --model-option} for its preprocessing).
 */
final class ModelSource {
    /** The model that runs a pretrained ONNX file. */
    static final String ONNX_MODEL = "onnx";

    @Mixin
    private SharedOptions.Checkpoint checkpoint;

    @Option(
            names = "--onnx",
            paramLabel = "FILE",
            description = "A pretrained ONNX classifier to use directly instead of a checkpoint (model onnx); "
                    + SharedOptions.ModelOptions.NAME + " gives the input it expects: scale=255, mean=0.1307,"
                    + " std=0.3081 (per channel, comma-separated).")
    private Path onnx;

    @Mixin
    private SharedOptions.ModelOptions modelOptions;

    /**
     * Points {@code builder} at the checkpoint or at the ONNX file, with {@code dataset} (null: the checkpoint's, or
     * for a pretrained network {@link SharedOptions.Dataset#DEFAULT}). Throws ParameterException when both or
     * neither are given, or model options come without {@code --onnx}.
     */
    void configure(CommandLine commandLine, Evaluation.Builder builder, String dataset) {
        if ((checkpoint.value() == null) == (onnx == null)) {
            throw new ParameterException(commandLine, "give either --checkpoint FILE or --onnx FILE");
        }
        if (checkpoint.value() != null) {
            if (!modelOptions.values().isEmpty()) {
                throw new ParameterException(
                        commandLine,
                        SharedOptions.ModelOptions.NAME + " goes with --onnx; a checkpoint keeps its model's options");
            }
            builder.checkpoint(checkpoint.value());
            if (dataset != null) {
                builder.dataset(dataset);
            }
            return;
        }
        Map<String, String> options = new LinkedHashMap<>(modelOptions.values());
        options.put("file", onnx.toString());
        builder.model(ONNX_MODEL)
                .modelOptions(options)
                .dataset(dataset != null ? dataset : SharedOptions.Dataset.DEFAULT);
    }

    /** The checkpoint given, or null when a pretrained network is. */
    Path checkpoint() {
        return checkpoint.value();
    }

    /** The pretrained network given, or null when a checkpoint is. */
    Path onnx() {
        return onnx;
    }

    /** How the text output names what was evaluated: the checkpoint, or the file as a pretrained network. */
    String label(int epoch) {
        if (checkpoint.value() != null && epoch == 0) {
            return checkpoint.value() + ": model %s";
        }
        return checkpoint.value() != null
                ? checkpoint.value() + ": model %s after epoch " + epoch
                : onnx + ": pretrained, model %s";
    }
}
