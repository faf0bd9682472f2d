package org.mltoolkit.plugin.fc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExportContext;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.plugins.StaticExtensions;
import org.mltoolkit.core.testing.InMemoryDataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/** Trained toolkit models, their Tribuo files and Tribuo examples, for the Tribuo tests. */
final class TribuoFixtures {
    /** Class names that are not the class numbers, so that a mix-up of names and indices shows. */
    static final List<String> CLASSES =
            List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");

    static final ExportContext CONTEXT = new ExportContext(
            CLASSES,
            "blobs",
            3,
            Map.of("dataset", "blobs", "trainer", "backprop", "optimizer", "adam", "learning_rate", "0.001"),
            "9.8.7",
            Map.of("fc", "1.2.3", "blobs", "4.5.6"));

    private TribuoFixtures() {}

    /** The core's view of this plugin, as the command line has it: {@code data} as dataset, fc and linear models. */
    static ExtensionLookup throughTheCore(DatasetSplits data) {
        return new StaticExtensions(
                List.of(new InMemoryDataset(data)),
                List.of(new FcModelProvider(), new LinearModelProvider()),
                List.of(new BackpropTrainerProvider(), new TribuoLinearTrainerProvider()));
    }

    /** A small {@code fc} for speed: hidden layers of 64 and 32, each Linear, LeakyReLU and BatchNorm as in the reference. */
    static final Map<String, String> SMALL_FC = Map.of("hidden", "64,32");

    /**
     * A model of {@code provider} ({@code fc} as {@link #SMALL_FC}) trained for a few steps with {@code trainer} on
     * {@code data}, so that its weights and BatchNorm running statistics are far from their initial values. The
     * caller closes it.
     */
    static DenseClassifier trained(ModelProvider provider, String trainer, LabeledData data) {
        ModelSpec spec = new ModelSpec(
                Fixtures.MNIST_SHAPE,
                10,
                3,
                Device.CPU,
                2,
                new PluginOptions(provider instanceof FcModelProvider ? SMALL_FC : Map.of()));
        DenseClassifier model = (DenseClassifier) provider.create(spec);
        var trainerProvider = trainer.equals(TribuoLinearTrainerProvider.NAME)
                ? new TribuoLinearTrainerProvider()
                : new BackpropTrainerProvider();
        try (Trainer t = trainerProvider.create(model, Fixtures.adam())) {
            for (int b = 0; b + 128 <= data.size(); b += 128) {
                t.step(Fixtures.batch(data, b, 128));
            }
        }
        return model;
    }

    /** The bytes of {@code model} exported as {@code tribuo} with {@link #CONTEXT}. */
    static byte[] tribuoFile(DenseClassifier model) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.export(DenseClassifier.TRIBUO_FORMAT, CONTEXT, out);
        return out.toByteArray();
    }

    /** Reads a Tribuo model file with Tribuo's own API. */
    static org.tribuo.Model<Label> load(byte[] file) throws IOException {
        return org.tribuo.Model.deserializeFromStream(new ByteArrayInputStream(file))
                .castModel(Label.class);
    }

    /** Examples {@code [0, n)} of {@code data} as Tribuo examples with every feature, named as documented. */
    static List<Example<Label>> examples(LabeledData data, int n) {
        int d = data.shape().size();
        List<Example<Label>> examples = new ArrayList<>(n);
        float[] pixels = new float[d];
        for (int i = 0; i < n; i++) {
            ArrayExample<Label> example = new ArrayExample<>(new Label(CLASSES.get(data.labels()[i])));
            data.copyExample(i, pixels, 0);
            for (int j = 0; j < d; j++) {
                example.add(TribuoDomain.featureName(j, d), pixels[j]);
            }
            examples.add(example);
        }
        return examples;
    }

    /** The toolkit model's log-probabilities for examples {@code [0, n)}. */
    static float[] logProbabilities(Model model, LabeledData data, int n) {
        float[] out = new float[n * 10];
        model.predictLogProbabilities(Fixtures.batch(data, 0, n), out);
        return out;
    }
}
