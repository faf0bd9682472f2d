package org.mltoolkit.plugin.cnn;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.imported.NetworkImporter;
import org.mltoolkit.plugin.cnn.ort.OrtSessions;
import org.pf4j.Extension;

/**
 * The {@code onnx} model: a classifier read from a user's ONNX file, trained by the same differentiator as
 * {@code cnn}. Options: {@code file} (the network, required), {@code init} ({@code file}, the default, starts from
 * the file's weights; {@code random} re-initialises them from the seed like PyTorch), {@code scale}, {@code mean},
 * {@code std} (the preprocessing the network expects, see {@link Preprocessing}) and {@code freeze} (parameter names,
 * a trailing {@code *} matching a prefix, kept constant in training).
 */
@Extension
public final class OnnxModelProvider implements ModelProvider {
    public static final String NAME = "onnx";
    public static final String FILE = "file";
    public static final String INIT = "init";
    public static final String FREEZE = "freeze";
    /** Recorded in checkpoints: the file's structure without its weights, base64; used instead of the file. */
    public static final String STRUCTURE = "structure";
    /** Recorded in checkpoints: what the output holds (log-probabilities, probabilities or logits). */
    public static final String OUTPUT = "output";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your ONNX classifier (--model-option file=net.onnx): input [N,C,H,W] or [N,D] checked against "
                + "the dataset; output read as log-probabilities (LogSoftmax last), probabilities (Softmax last) or "
                + "logits, trained through log-softmax; options init=file|random, scale, mean, std, freeze";
    }

    @Override
    public InputLayout inputLayout() {
        return InputLayout.IMAGE;
    }

    @Override
    public String defaultTrainer() {
        return OrtTrainerProvider.NAME;
    }

    @Override
    public Model create(ModelSpec spec) {
        spec.options()
                .requireOnly(
                        NAME,
                        Set.of(
                                FILE,
                                INIT,
                                FREEZE,
                                STRUCTURE,
                                OUTPUT,
                                Preprocessing.SCALE,
                                Preprocessing.MEAN,
                                Preprocessing.STD));
        String init = spec.options().getString(INIT, "file").trim();
        if (!init.equals("file") && !init.equals("random")) {
            throw new InvalidConfigurationException(INIT, init, "expected file or random");
        }
        Preprocessing preprocessing = Preprocessing.fromOptions(spec.options(), spec.inputShape());
        String file = spec.options().getString(FILE, null);
        if (file == null || file.isBlank()) {
            throw new InvalidConfigurationException(FILE, file, "is required: the ONNX file of the network");
        }
        String structure = spec.options().getString(STRUCTURE, null);
        ModelProto model;
        if (structure != null) {
            // a checkpoint's own copy: the file may have moved or changed since
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(structure.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(
                        STRUCTURE, "(" + structure.length() + " characters)", "is not base64");
            }
            model = NetworkImporter.parse(bytes, file + " (as saved in the checkpoint)");
        } else {
            model = NetworkImporter.parse(read(Path.of(file)), file);
        }
        List<String> frozen = Arrays.stream(spec.options().getString(FREEZE, "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        NetworkImporter.Imported imported = NetworkImporter.load(
                model,
                new NetworkImporter.Request(
                        file, spec.inputShape(), spec.numClasses(), spec.seed(), init.equals("random"), frozen));
        Device device = OrtSessions.resolve(spec.device());
        String recordedKind = spec.options().getString(OUTPUT, null);
        if (recordedKind != null && !recordedKind.equals(imported.outputKind().label())) {
            throw new ToolkitException(file + ": the checkpoint recorded an output of " + recordedKind
                    + " but the network's output holds " + imported.outputKind().label());
        }
        CnnModel built =
                new CnnModel(NAME, imported.network(), preprocessing, device, spec.threads(), spec.numClasses());
        built.rebuildOptions(Map.of(
                STRUCTURE,
                Base64.getEncoder().encodeToString(imported.structure()),
                OUTPUT,
                imported.outputKind().label()));
        return built;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ToolkitException("no such ONNX file: " + file, e);
        } catch (IOException e) {
            throw new ToolkitException("cannot read ONNX file " + file + ": " + e.getMessage(), e);
        }
    }
}
