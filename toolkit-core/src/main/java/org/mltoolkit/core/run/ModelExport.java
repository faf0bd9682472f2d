package org.mltoolkit.core.run;

import java.nio.file.Path;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.plugins.ExtensionLookup;

/** Writes a checkpoint's model as an inference ONNX file, through the model plugin's own exporter. */
public final class ModelExport {
    private ModelExport() {}

    /**
     * Rebuilds the model saved in {@code checkpointFile} and writes it to {@code onnxFile} (replaced atomically by
     * the plugin). Returns the checkpoint that was read. Throws ToolkitException naming the model when its plugin
     * cannot export to ONNX, and CheckpointFormatException for an unreadable checkpoint.
     */
    public static Checkpoint toOnnx(ExtensionLookup lookup, Path checkpointFile, Path onnxFile) {
        Checkpoint checkpoint = CheckpointFile.read(checkpointFile);
        try (Model model = Evaluation.openModel(lookup, checkpoint, checkpointFile, "cpu", null)) {
            if (!(model instanceof OnnxExportable exportable)) {
                throw new ToolkitException("model '" + checkpoint.modelName() + "' (in " + checkpointFile
                        + ") cannot be exported to ONNX: its plugin does not implement OnnxExportable");
            }
            exportable.exportOnnx(onnxFile);
        }
        return checkpoint;
    }
}
