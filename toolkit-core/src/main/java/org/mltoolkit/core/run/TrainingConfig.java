package org.mltoolkit.core.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.data.DataFingerprint;

/**
 * The full configuration of a training run, as {@code config.json} and every checkpoint record it. Built and
 * validated by {@link TrainingRunBuilder}; immutable. Reading ignores keys it does not know (such as {@code verbose},
 * which older versions stored), so that files written by other versions still read.
 *
 * @param dataset        dataset name
 * @param datasetOptions the dataset's options as its provider resolved them when the run loaded it (see
 *                       {@link org.mltoolkit.api.DatasetSplits#options()}), so that a resume or an evaluation
 *                       loads the same data; empty for a dataset without options
 * @param model          model provider name
 * @param trainer        trainer provider name (the model's default when the user named none)
 * @param optimizer      optimizer name, interpreted by the trainer
 * @param learningRate   initial learning rate
 * @param batchSize      training and evaluation batch size
 * @param epochs         total number of epochs (a resumed run counts the epochs before it)
 * @param trainRatio     fraction of the (limited) training split that trains; the rest validates
 * @param seed           seed of the split, the shuffles and the model's initialisation
 * @param limit          use only the first {@code limit} shuffled training examples; 0 for all
 * @param device         requested device: cpu, cuda:N or auto
 * @param threads        compute threads the model may use
 * @param modelOptions   model-specific options
 * @param trainerOptions trainer-specific options
 * @param lrSchedule     learning-rate schedule, as {@code none}, {@code step:EVERY:GAMMA} or {@code cosine:MIN}
 * @param augment        the training images' random transforms, as {@link
 *                       org.mltoolkit.core.engine.Augmentation#spec()} writes them ({@code none} without; files
 *                       written before augmentation existed have none)
 * @param patience       early stopping after this many epochs without improvement; 0 disables it
 * @param minDelta       the improvement of the validation loss that resets the patience
 * @param runDir         the run directory
 * @param bestCheckpoint the best checkpoint's file
 * @param plugins        ids and versions of the plugins in use, as the host reported them
 * @param dataFingerprint the digests of the data the run loaded ({@link DataFingerprint}); null before the run has
 *                       loaded its data, and in files written before fingerprints were recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingConfig(
        String dataset,
        Map<String, String> datasetOptions,
        String model,
        String trainer,
        String optimizer,
        double learningRate,
        int batchSize,
        int epochs,
        double trainRatio,
        long seed,
        int limit,
        String device,
        int threads,
        Map<String, String> modelOptions,
        Map<String, String> trainerOptions,
        String lrSchedule,
        String augment,
        int patience,
        double minDelta,
        String runDir,
        String bestCheckpoint,
        Map<String, String> plugins,
        DataFingerprint dataFingerprint) {
    public TrainingConfig {
        // Configurations written before datasets took options have none.
        datasetOptions = sorted(datasetOptions == null ? Map.of() : datasetOptions);
        modelOptions = sorted(modelOptions);
        trainerOptions = sorted(trainerOptions);
        plugins = sorted(plugins);
        augment = augment == null ? "none" : augment;
    }

    /** An unmodifiable copy that iterates in key order, so that files list the entries alike every time. */
    private static Map<String, String> sorted(Map<String, String> map) {
        return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(map));
    }

    /** This configuration with {@code fingerprint} as the data's; all else as it is. */
    public TrainingConfig withDataFingerprint(DataFingerprint fingerprint) {
        return new TrainingConfig(
                dataset,
                datasetOptions,
                model,
                trainer,
                optimizer,
                learningRate,
                batchSize,
                epochs,
                trainRatio,
                seed,
                limit,
                device,
                threads,
                modelOptions,
                trainerOptions,
                lrSchedule,
                augment,
                patience,
                minDelta,
                runDir,
                bestCheckpoint,
                plugins,
                fingerprint);
    }

    /** The configuration as a JSON object (keys in snake_case, maps sorted by key). */
    public String toJson() {
        return RunJson.pretty(this);
    }

    /** Parses {@link #toJson()}'s output. Throws ToolkitException if it is not such a configuration. */
    public static TrainingConfig fromJson(String json) {
        try {
            return RunJson.MAPPER.readValue(json, TrainingConfig.class);
        } catch (JsonProcessingException e) {
            throw new ToolkitException("not a training configuration: " + e.getOriginalMessage(), e);
        }
    }
}
