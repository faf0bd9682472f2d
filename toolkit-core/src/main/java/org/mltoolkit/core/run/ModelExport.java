package org.mltoolkit.core.run;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mltoolkit.api.DatasetProvider;
import org.mltoolkit.api.ExportContext;
import org.mltoolkit.api.FormatExportable;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.ensemble.Ensemble;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.ensemble.EnsembleOnnx;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.UnknownExtensionException;

/**
 * Writes a checkpoint's model to a file: as an inference ONNX file ({@link OnnxExportable}), or in one of the
 * formats the model plugin names ({@link FormatExportable}, for example {@code tribuo}). The plugin writes the bytes
 * to a stream; this class places them with {@link AtomicFiles}, so a failed export leaves the file as it was.
 */
public final class ModelExport {
    private ModelExport() {}

    /**
     * Rebuilds the model saved in {@code checkpointFile} and writes it to {@code onnxFile}, replacing that file
     * atomically and creating its directory. Returns the checkpoint that was read. An ensemble file is written as one
     * model holding every member ({@link #ensembleToOnnx}; its first member's checkpoint is returned). Throws ToolkitException naming the
     * model when its plugin cannot export to ONNX, naming the file when it cannot be written, or as the plugin threw
     * it; CheckpointFormatException for an unreadable checkpoint. {@code onnxFile} is unchanged whenever this
     * throws.
     */
    public static Checkpoint toOnnx(ExtensionLookup lookup, Path checkpointFile, Path onnxFile) {
        if (EnsembleFile.isEnsemble(checkpointFile)) {
            return ensembleToOnnx(lookup, checkpointFile, onnxFile).get(0).checkpoint();
        }
        Checkpoint checkpoint = CheckpointFile.read(checkpointFile);
        try (Model model = Evaluation.openModel(lookup, checkpoint, checkpointFile, "cpu", null)) {
            if (!(model instanceof OnnxExportable exportable)) {
                throw new ToolkitException("model '" + checkpoint.modelName() + "' (in " + checkpointFile
                        + ") cannot be exported to ONNX: its plugin does not implement OnnxExportable");
            }
            AtomicFiles.write(onnxFile, exportable::writeOnnx);
        }
        return checkpoint;
    }

    /**
     * Rebuilds the model saved in {@code checkpointFile} and writes it in {@code format} to {@code outFile}, which is
     * replaced atomically (a failed export leaves it as it was). The file can record what the model itself does not
     * know ({@link ExportContext}): the class names of the checkpoint's dataset, the training configuration, the
     * epoch, and the toolkit's and plugins' versions. Returns the checkpoint that was read.
     *
     * <p>The class names come from the dataset's plugin; a dataset whose names depend on its files (a folder of
     * images) is loaded with {@code loader} and the options its run recorded.
     *
     * <p>Throws ToolkitException naming the model and the formats it writes when {@code format} is not one of them,
     * naming the dataset when no plugin provides its class names (or they need loading and {@code loader} is null),
     * or naming the file when it is the checkpoint itself or cannot be written; CheckpointFormatException for an
     * unreadable checkpoint.
     *
     * @param loader loads the dataset when its class names are known only from its files; may be null
     */
    public static Checkpoint toFormat(
            ExtensionLookup lookup, Path checkpointFile, String format, Path outFile, DatasetLoader loader) {
        if (checkpointFile
                .toAbsolutePath()
                .normalize()
                .equals(outFile.toAbsolutePath().normalize())) {
            throw new ToolkitException(outFile + ": is the checkpoint being exported; name another file");
        }
        refuseEnsemble(checkpointFile);
        Checkpoint checkpoint = CheckpointFile.read(checkpointFile);
        ExportContext context = context(lookup, checkpoint, checkpointFile, loader);
        try (Model model = Evaluation.openModel(lookup, checkpoint, checkpointFile, "cpu", null)) {
            List<String> formats = model instanceof FormatExportable exportable
                    ? List.copyOf(exportable.exportFormats().keySet())
                    : List.of();
            if (!formats.contains(format)) {
                throw new ToolkitException("model '" + checkpoint.modelName() + "' (in " + checkpointFile
                        + ") cannot be exported as '" + format + "': its plugin writes "
                        + (formats.isEmpty() ? "no format but ONNX" : String.join(", ", formats) + " and ONNX"));
            }
            FormatExportable exportable = (FormatExportable) model;
            AtomicFiles.write(outFile, out -> exportable.export(format, context, out));
        }
        return checkpoint;
    }

    /**
     * Writes an ensemble file's members as one ONNX model ({@link EnsembleOnnx}) to {@code onnxFile}, replaced
     * atomically and unchanged whenever this throws. Returns the members that were read. Throws ToolkitException naming the ensemble file and the
     * member whose plugin cannot export to ONNX or writes a graph that cannot be joined; CheckpointFormatException
     * for a damaged ensemble file.
     */
    public static List<EnsembleFile.Member> ensembleToOnnx(ExtensionLookup lookup, Path ensembleFile, Path onnxFile) {
        List<EnsembleFile.Member> members = EnsembleFile.read(ensembleFile);
        ModelProto joined;
        try (Ensemble ensemble = Ensemble.open(lookup, members, ensembleFile, "cpu", null)) {
            List<byte[]> graphs = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                Model member = ensemble.members().get(i);
                String name = ensemble.memberNames().get(i);
                if (!(member instanceof OnnxExportable exportable)) {
                    throw new ToolkitException(ensembleFile + ": member '" + name + "' (model '" + member.name()
                            + "') cannot be exported to ONNX: its plugin does not implement OnnxExportable");
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try {
                    exportable.writeOnnx(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                graphs.add(bytes.toByteArray());
            }
            try {
                joined = EnsembleOnnx.join(ensemble.memberNames(), graphs);
            } catch (ToolkitException e) {
                throw new ToolkitException(ensembleFile + ": " + e.getMessage(), e);
            }
        }
        AtomicFiles.write(onnxFile, joined::writeTo);
        return members;
    }

    /** Throws ToolkitException naming {@code file} when it is an ensemble, which this export does not write. */
    private static void refuseEnsemble(Path file) {
        if (EnsembleFile.isEnsemble(file)) {
            throw new ToolkitException(file + ": is an ensemble; its formats are its members': export them one by one,"
                    + " or the whole ensemble with --onnx");
        }
    }

    /** What the file should record beyond the weights: class names, configuration, epoch and versions. */
    private static ExportContext context(
            ExtensionLookup lookup, Checkpoint checkpoint, Path checkpointFile, DatasetLoader loader) {
        String dataset = checkpoint.datasetName();
        DatasetProvider provider;
        try {
            provider = lookup.dataset(dataset);
        } catch (UnknownExtensionException e) {
            throw new ToolkitException(
                    checkpointFile + ": the export needs the class names of dataset '" + dataset + "': "
                            + e.getMessage(),
                    e);
        }
        List<String> classNames = provider.classNames();
        if (classNames == null) {
            if (loader == null) {
                throw new ToolkitException(checkpointFile + ": the class names of dataset '" + dataset
                        + "' come from its files, and no dataset loader was given to read them");
            }
            PluginOptions options = new PluginOptions(
                    TrainingConfig.fromJson(checkpoint.configJson()).datasetOptions());
            classNames = loader.load(provider, options).classNames();
        }
        return new ExportContext(
                classNames,
                dataset,
                checkpoint.epoch(),
                settings(checkpoint.configJson()),
                ToolkitVersion.current(),
                checkpoint.plugins());
    }

    /**
     * The configuration JSON as setting name to value: nested objects give dotted names
     * ({@code model_options.hidden}), arrays stay JSON text, null is {@code null}.
     */
    static Map<String, String> settings(String configJson) {
        Map<String, String> settings = new TreeMap<>();
        try {
            flatten("", RunJson.MAPPER.readTree(configJson), settings);
        } catch (JsonProcessingException e) {
            throw new ToolkitException("the checkpoint's configuration is not JSON: " + e.getOriginalMessage(), e);
        }
        return settings;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> settings) {
        if (node.isObject()) {
            node.properties()
                    .forEach(e ->
                            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), settings));
        } else if (!prefix.isEmpty()) {
            settings.put(prefix, node.isValueNode() ? node.asText() : node.toString());
        }
    }
}
