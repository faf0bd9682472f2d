package org.mltoolkit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.ProgressListener;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.OutputFiles;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.run.ModelExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code toolkit export --checkpoint FILE --onnx OUT --tribuo OUT}: writes a checkpoint's model as an inference ONNX
 * file and in the formats its plugin names, such as a Tribuo model file.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Export a checkpoint's model as an ONNX inference graph (input 'input', output",
            "'log_probs') that any ONNX runtime can run, and in the formats its plugin names,",
            "such as a Tribuo model file. An ensemble (.ens) is exported with --onnx as one",
            "graph holding every member."
        })
public final class ExportCommand extends ToolkitSubcommand {
    static final String TRIBUO_FORMAT = "tribuo";

    @Mixin
    private SharedOptions.Checkpoint checkpoint;

    @Option(names = "--onnx", paramLabel = "FILE", description = "Where to write the ONNX file.")
    private Path onnx;

    @Option(
            names = "--tribuo",
            paramLabel = "FILE",
            description = "Where to write a Tribuo model file (models of the fc plugin: fc, linear), which a"
                    + " Tribuo application reads with Model.deserializeFromFile. The same as --format tribuo=FILE.")
    private Path tribuo;

    @Option(
            names = "--format",
            paramLabel = "NAME=FILE",
            description = "Write the model in another format its plugin names; may be repeated.")
    private Map<String, Path> formats = new LinkedHashMap<>();

    @Mixin
    private SharedOptions.Overwrite overwrite;

    @Override
    public Integer call() {
        Path file = checkpoint.required(spec().commandLine());
        Map<String, Path> outputs = new LinkedHashMap<>(formats);
        if (tribuo != null && outputs.put(TRIBUO_FORMAT, tribuo) != null) {
            throw new ParameterException(
                    spec().commandLine(), "--tribuo and --format tribuo=... name the same format twice");
        }
        if (onnx == null && outputs.isEmpty()) {
            throw new ParameterException(
                    spec().commandLine(), "name at least one file to write: --onnx FILE, --tribuo FILE or --format");
        }
        boolean ensemble = EnsembleFile.isEnsemble(file);
        if (ensemble && !outputs.isEmpty()) {
            throw new ParameterException(
                    spec().commandLine(),
                    file + " is an ensemble: it is exported with --onnx only; write other formats from its members'"
                            + " checkpoints");
        }
        Set<Path> files = new HashSet<>();
        if (onnx != null) {
            files.add(onnx.toAbsolutePath().normalize());
        }
        for (Path output : outputs.values()) {
            if (!files.add(output.toAbsolutePath().normalize())) {
                throw new ParameterException(spec().commandLine(), output + " is named for two outputs");
            }
        }
        // Every output is checked before the first is written, so that a refusal leaves nothing half-done.
        if (onnx != null) {
            OutputFiles.checkWritable(
                    "onnx", onnx, OutputFiles.Kind.ONNX, overwrite.enabled(), Map.of("checkpoint", file));
        }
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            OutputFiles.checkWritable(
                    output.getValue() == tribuo ? "tribuo" : "format",
                    output.getValue(),
                    OutputFiles.Kind.MODEL_FILE,
                    overwrite.enabled(),
                    Map.of("checkpoint", file));
        }
        if (onnx != null && ensemble) {
            int members = ModelExport.ensembleToOnnx(toolkit().extensions(), file, onnx)
                    .size();
            out().printf(
                            "Exported the ensemble %s (%d members, log of the mean of their probabilities) to %s as ONNX"
                                    + " (%,d bytes)%n",
                            file, members, onnx, sizeOf(onnx));
            out().flush();
        } else if (onnx != null) {
            Checkpoint read = ModelExport.toOnnx(toolkit().extensions(), file, onnx);
            report(read, file, onnx, "ONNX");
        }
        for (Map.Entry<String, Path> output : outputs.entrySet()) {
            // A dataset whose class names come from its files (a folder of images) is read as it is, never fetched.
            Checkpoint read = ModelExport.toFormat(
                    toolkit().extensions(),
                    file,
                    output.getKey(),
                    output.getValue(),
                    (provider, options) ->
                            toolkit().dataManager().load(provider, options, true, ProgressListener.NONE));
            report(read, file, output.getValue(), output.getKey());
        }
        return ExitCodes.OK;
    }

    private void report(Checkpoint read, Path checkpointFile, Path written, String format) {
        out().printf(
                        "Exported model '%s' (epoch %d of %s) to %s as %s (%,d bytes)%n",
                        read.modelName(), read.epoch(), checkpointFile, written, format, sizeOf(written));
        out().flush();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
