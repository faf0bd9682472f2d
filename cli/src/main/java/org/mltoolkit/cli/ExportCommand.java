package org.mltoolkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.run.ModelExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code toolkit export --checkpoint FILE --onnx OUT}: writes a checkpoint's model as an inference ONNX file. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Export a checkpoint's model as an ONNX inference graph (input 'input', output 'log_probs')",
            "that any ONNX runtime can run."
        })
public final class ExportCommand extends ToolkitSubcommand {

    @Mixin
    private SharedOptions.Checkpoint checkpoint;

    @Option(names = "--onnx", paramLabel = "FILE", required = true, description = "Where to write the ONNX file.")
    private Path onnx;

    @Override
    public Integer call() {
        Path file = checkpoint.required(spec().commandLine());
        Checkpoint read = ModelExport.toOnnx(toolkit().extensions(), file, onnx);
        out().printf(
                        "Exported model '%s' (epoch %d of %s) to %s (%,d bytes)%n",
                        read.modelName(), read.epoch(), file, onnx, sizeOf(onnx));
        out().flush();
        return ExitCodes.OK;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
