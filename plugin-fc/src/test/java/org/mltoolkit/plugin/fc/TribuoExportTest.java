package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.ExportContext;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.ToolkitException;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.interop.onnx.ONNXExternalModel;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.provenance.TrainerProvenance;

/**
 * Format {@code tribuo}: the file is a model of Tribuo's own classes that Tribuo's API reads back, predicts what the
 * toolkit model predicts, and records where the model came from.
 */
class TribuoExportTest {
    private static final int N = 60;

    @Test
    void linearBecomesALinearSgdModelThatPredictsLikeTheToolkit() throws Exception {
        checkPredictions(new LinearModelProvider(), TribuoLinearTrainerProvider.NAME, LinearSGDModel.class);
    }

    @Test
    void fcBecomesAnOnnxExternalModelThatPredictsLikeTheToolkit() throws Exception {
        checkPredictions(new FcModelProvider(), BackpropTrainerProvider.NAME, ONNXExternalModel.class);
    }

    private static void checkPredictions(ModelProvider provider, String trainer, Class<?> tribuoClass)
            throws Exception {
        LabeledData data = Fixtures.blobs(640, Fixtures.MNIST_SHAPE, 0.9, 21);
        try (DenseClassifier model = TribuoFixtures.trained(provider, trainer, data)) {
            float[] expected = TribuoFixtures.logProbabilities(model, data, N);
            org.tribuo.Model<Label> tribuo = TribuoFixtures.load(TribuoFixtures.tribuoFile(model));
            try {
                assertInstanceOf(tribuoClass, tribuo);
                assertEquals(784, tribuo.getFeatureIDMap().size());
                assertEquals("000", tribuo.getFeatureIDMap().get(0).getName());
                assertEquals("783", tribuo.getFeatureIDMap().get(783).getName());
                assertEquals(10, tribuo.getOutputIDInfo().size());
                assertTrue(tribuo.generatesProbabilities());
                List<Example<Label>> examples = TribuoFixtures.examples(data, N);
                List<Prediction<Label>> predictions = tribuo.predict(examples);
                for (int i = 0; i < N; i++) {
                    Prediction<Label> p = predictions.get(i);
                    assertEquals(
                            TribuoFixtures.CLASSES.get(Metrics.argmax(expected, i * 10, 10)),
                            p.getOutput().getLabel(),
                            "example " + i);
                    for (int c = 0; c < 10; c++) {
                        double probability = Math.exp(expected[i * 10 + c]);
                        assertEquals(
                                probability,
                                p.getOutputScores()
                                        .get(TribuoFixtures.CLASSES.get(c))
                                        .getScore(),
                                1e-5,
                                "example " + i + ", class " + c);
                    }
                    // One example at a time takes Tribuo's other code path.
                    if (i < 3) {
                        assertEquals(
                                p.getOutputScores().toString(),
                                tribuo.predict(examples.get(i))
                                        .getOutputScores()
                                        .toString());
                    }
                }
            } finally {
                if (tribuo instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }
    }

    @Test
    void provenanceRecordsTheDatasetTheConfigurationAndTheVersions() throws IOException {
        LabeledData data = Fixtures.blobs(256, Fixtures.MNIST_SHAPE, 0.9, 22);
        try (DenseClassifier model = TribuoFixtures.trained(new LinearModelProvider(), "tribuo-linear", data)) {
            ModelProvenance provenance =
                    TribuoFixtures.load(TribuoFixtures.tribuoFile(model)).getProvenance();
            assertEquals(LinearSGDModel.class.getName(), provenance.getClassName());
            SimpleDataSourceProvenance source = assertInstanceOf(
                    SimpleDataSourceProvenance.class,
                    provenance.getDatasetProvenance().getSourceProvenance());
            Map<String, String> sourceFields = new java.util.TreeMap<>();
            source.forEach(p -> sourceFields.put(p.getA(), p.getB().toString()));
            assertEquals("blobs", sourceFields.get(SimpleDataSourceProvenance.DESCRIPTION));
            assertEquals(784, provenance.getDatasetProvenance().getNumFeatures());
            assertEquals(10, provenance.getDatasetProvenance().getNumOutputs());
            TrainerProvenance trainer = provenance.getTrainerProvenance();
            assertEquals(BackpropTrainer.class.getName(), trainer.getClassName());
            Map<String, Provenance> configuration = trainer.getConfiguredParameters();
            for (Map.Entry<String, String> e :
                    TribuoFixtures.CONTEXT.configuration().entrySet()) {
                assertEquals(e.getValue(), configuration.get(e.getKey()).toString(), e.getKey());
            }
            Map<String, String> instance = new java.util.TreeMap<>();
            provenance
                    .getInstanceProvenance()
                    .forEach(p -> instance.put(p.getA(), p.getB().toString()));
            assertEquals("9.8.7", instance.get(TribuoProvenance.TOOLKIT_VERSION));
            assertEquals("1.2.3", instance.get(TribuoProvenance.PLUGIN_VERSION_PREFIX + "fc"));
            assertEquals("4.5.6", instance.get(TribuoProvenance.PLUGIN_VERSION_PREFIX + "blobs"));
            assertEquals("3", instance.get(TribuoProvenance.EPOCH));
            assertEquals("linear", instance.get(TribuoProvenance.MODEL));
        }
    }

    @Test
    void theFileIsWhatTribuoWritesForTheModelItReads() throws Exception {
        LabeledData data = Fixtures.blobs(256, Fixtures.MNIST_SHAPE, 0.9, 23);
        try (DenseClassifier model = TribuoFixtures.trained(new FcModelProvider(), "backprop", data)) {
            byte[] file = TribuoFixtures.tribuoFile(model);
            org.tribuo.Model<Label> read = TribuoFixtures.load(file);
            try (AutoCloseable closeable = (AutoCloseable) read) {
                ByteArrayOutputStream again = new ByteArrayOutputStream();
                read.serializeToStream(again);
                assertArrayEquals(file, again.toByteArray());
            }
        }
    }

    @Test
    void anotherFormatOrTheWrongClassNamesAreRefusedInOneLine() {
        try (DenseClassifier model =
                (DenseClassifier) new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 3, 1))) {
            assertEquals(List.of("tribuo"), List.copyOf(model.exportFormats().keySet()));
            ToolkitException format = assertThrows(
                    ToolkitException.class,
                    () -> model.export("pmml", TribuoFixtures.CONTEXT, new ByteArrayOutputStream()));
            assertEquals("model linear cannot be exported as 'pmml'; it writes: tribuo", format.getMessage());
            ExportContext threeClasses = new ExportContext(List.of("a", "b", "c"), "blobs", 1, Map.of(), "1", Map.of());
            ToolkitException classes = assertThrows(
                    ToolkitException.class, () -> model.export("tribuo", threeClasses, new ByteArrayOutputStream()));
            assertEquals("model linear has 10 outputs but 3 class names were given", classes.getMessage());
        }
    }
}
