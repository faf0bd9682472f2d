package org.mltoolkit.plugin.fc;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.BooleanProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mltoolkit.api.ExportContext;
import org.tribuo.Tribuo;
import org.tribuo.interop.ExternalDatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * Tribuo provenance for a model the toolkit trained, built only from Tribuo's own provenance classes so that a
 * plain Tribuo application can read it back: the dataset as an {@link ExternalDatasetProvenance} (Tribuo's record of
 * data seen outside Tribuo: name, feature and class counts), the trainer as a {@link TrainerProvenanceImpl} whose
 * configured parameters are the whole training configuration, and the toolkit's and plugins' versions and the
 * exported epoch as the model's instance values.
 */
final class TribuoProvenance {
    /** Instance value: the toolkit version that exported the model. */
    static final String TOOLKIT_VERSION = "mltoolkit-version";
    /** Instance value prefix: {@code mltoolkit-plugin-fc} is the version of plugin {@code fc}. */
    static final String PLUGIN_VERSION_PREFIX = "mltoolkit-plugin-";
    /** Instance value: the epoch after which the exported weights were saved. */
    static final String EPOCH = "mltoolkit-epoch";
    /** Instance value: the toolkit's name of the model, for example {@code fc}. */
    static final String MODEL = "mltoolkit-model";
    /** OLCUT's key for the kind of host object (its {@code SkeletalConfiguredObjectProvenance.HOST_SHORT_NAME}). */
    private static final String HOST_SHORT_NAME = "host-short-name";

    private TribuoProvenance() {}

    /**
     * The provenance of {@code model} exported as a Tribuo model of class {@code tribuoModelClass}.
     *
     * @param extra further instance values, for example the ONNX input name of an ONNX-backed model
     */
    static ModelProvenance exported(
            Class<?> tribuoModelClass, DenseClassifier model, ExportContext context, Map<String, String> extra) {
        ExternalDatasetProvenance dataset = new ExternalDatasetProvenance(
                context.dataset(),
                TribuoDomain.LABELS,
                false,
                model.network().inputWidth(),
                model.network().classCount());
        Map<String, Provenance> instance = new LinkedHashMap<>();
        put(instance, MODEL, model.name());
        put(instance, EPOCH, Integer.toString(context.epoch()));
        put(instance, TOOLKIT_VERSION, context.toolkitVersion());
        context.pluginVersions().forEach((id, version) -> put(instance, PLUGIN_VERSION_PREFIX + id, version));
        extra.forEach((key, value) -> put(instance, key, value));
        return new ModelProvenance(
                tribuoModelClass.getName(), OffsetDateTime.now(), dataset, trainer(context.configuration()), instance);
    }

    /**
     * The provenance of a Tribuo view of {@code model} made only to evaluate it on {@code data}: the model's own
     * build settings stand in for the training configuration, which an evaluation does not need.
     */
    static ModelProvenance evaluated(Class<?> tribuoModelClass, DenseClassifier model, String data) {
        ExternalDatasetProvenance dataset = new ExternalDatasetProvenance(
                data,
                TribuoDomain.LABELS,
                false,
                model.network().inputWidth(),
                model.network().classCount());
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", model.name());
        settings.put("seed", Long.toString(model.spec().seed()));
        model.spec().options().asMap().forEach((key, value) -> settings.put("model_options." + key, value));
        Map<String, Provenance> instance = new LinkedHashMap<>();
        put(instance, MODEL, model.name());
        return new ModelProvenance(
                tribuoModelClass.getName(), OffsetDateTime.now(), dataset, trainer(settings), instance);
    }

    /**
     * A trainer provenance that Tribuo reads back with its own class: the toolkit trainer's class as the host class
     * and every configuration entry as a configured parameter.
     */
    private static TrainerProvenance trainer(Map<String, String> configuration) {
        Map<String, Provenance> map = new LinkedHashMap<>();
        String trainer = configuration.getOrDefault("trainer", "");
        String trainerClass = switch (trainer) {
            case BackpropTrainerProvider.NAME -> BackpropTrainer.class.getName();
            case TribuoLinearTrainerProvider.NAME -> TribuoLinearTrainer.class.getName();
            default -> "mltoolkit trainer " + (trainer.isEmpty() ? "(unknown)" : trainer);
        };
        configuration.forEach((key, value) -> put(map, key, value));
        put(map, ObjectProvenance.CLASS_NAME, trainerClass);
        put(map, HOST_SHORT_NAME, "Trainer");
        map.put(
                TrainerProvenance.TRAIN_INVOCATION_COUNT,
                new IntProvenance(TrainerProvenance.TRAIN_INVOCATION_COUNT, 1));
        map.put(TrainerProvenance.IS_SEQUENCE, new BooleanProvenance(TrainerProvenance.IS_SEQUENCE, false));
        put(map, TrainerProvenance.TRIBUO_VERSION_STRING, Tribuo.VERSION);
        return new TrainerProvenanceImpl(map);
    }

    private static void put(Map<String, Provenance> map, String key, String value) {
        map.put(key, new StringProvenance(key, value == null ? "" : value));
    }
}
