package org.mltoolkit.cli;

import static java.util.Map.entry;

import java.util.Map;
import org.mltoolkit.api.InvalidConfigurationException;

/**
 * The one place where the command line spells the settings of the API and the core. Their errors name the setting
 * at fault as the API does ({@code batchSize}); every command reports them with the option a user types
 * ({@code --batch-size}). A setting without an option here (a plugin option's key such as {@code hidden}) keeps its
 * name.
 */
final class OptionNames {
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            entry("dataset", "--dataset"),
            entry("model", "--model"),
            entry("trainer", "--trainer"),
            entry("optimizer", "--optimizer"),
            entry("learningRate", "--lr"),
            entry("batchSize", "--batch-size"),
            entry("epochs", "--epochs"),
            entry("trainRatio", "--train-ratio"),
            entry("seed", "--seed"),
            entry("limit", "--limit"),
            entry("device", "--device"),
            entry("threads", "--threads"),
            entry("modelOptions", "--model-option"),
            entry("datasetOptions", SharedOptions.DatasetOptions.NAME),
            entry("trainerOptions", "--trainer-option"),
            entry("lrSchedule", "--lr-schedule"),
            entry("augment", "--augment"),
            entry("patience", "--patience"),
            entry("minDelta", "--min-delta"),
            entry("runDir", "--run-dir"),
            entry("bestCheckpoint", "--model-fn"),
            entry("resumeFrom", "--resume"),
            entry("overwrite", "--overwrite"),
            entry("allowDataChange", "--allow-data-change"),
            entry("fromBest", "--from-best"),
            entry("checkpoint", "--checkpoint"),
            entry("onnx", "--onnx"),
            entry("png", "--png"),
            entry("tribuo", "--tribuo"),
            entry("format", "--format"));

    private OptionNames() {}

    /** The option that sets {@code setting}, or the setting's own name when no option does. */
    static String of(String setting) {
        return OPTIONS.getOrDefault(setting, setting);
    }

    /** The exception's message in the command line's terms. */
    static String message(InvalidConfigurationException e) {
        return e.message(OptionNames::of);
    }
}
