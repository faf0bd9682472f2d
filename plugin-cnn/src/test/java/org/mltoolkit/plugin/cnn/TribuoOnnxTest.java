package org.mltoolkit.plugin.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.Metrics;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.plugin.cnn.imported.Fixtures;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.interop.onnx.ImageTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;

/**
 * The ONNX files this plugin exports load in Tribuo through {@code tribuo-onnx}'s {@link ONNXExternalModel} with
 * the mapping plugin-fc's README documents (feature {@code i}, named like Tribuo's IDXDataSource names it, is
 * float {@code i} of an image; class {@code c} is output {@code c}), and Tribuo predicts what the toolkit predicts:
 * for {@code cnn}, and for a user's network trained as model {@code onnx}, which keeps its own input name and
 * takes preprocessed pixels.
 */
class TribuoOnnxTest {
    private static final List<String> CLASSES = List.of("upper", "middle", "lower");
    private static final int N = 24;

    @TempDir
    Path dir;

    private static void writeOnnx(Model model, Path file) throws java.io.IOException {
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            ((OnnxExportable) model).writeOnnx(out);
        }
    }

    @Test
    void cnnExportPredictsInTribuoWhatTheToolkitPredicts() throws Exception {
        try (Model model = new CnnModelProvider().create(TinyData.spec(5, Device.CPU))) {
            Batch batch = TinyData.batch(N, 6);
            Path file = dir.resolve("cnn.onnx");
            writeOnnx(model, file);
            checkTribuoPredictions(model, batch, file, "input", 1f, 0f, 1f);
        }
    }

    @Test
    void userNetworkExportPredictsInTribuoWithItsOwnInputNameAndPreprocessing() throws Exception {
        // The fixture's input renamed: a user's network need not call its input "input".
        OnnxMl.ModelProto fixture =
                OnnxMl.ModelProto.parseFrom(Files.readAllBytes(Fixtures.file("reference_cnn_opset13")));
        Path network = dir.resolve("users-network.onnx");
        Files.write(network, renameInput(fixture, "pixels").toByteArray());
        ModelSpec spec = new ModelSpec(
                TinyData.SHAPE,
                3,
                7,
                Device.CPU,
                1,
                new PluginOptions(Map.of("file", network.toString(), "mean", "0.5", "std", "0.25")));
        try (Model model = new OnnxModelProvider().create(spec)) {
            Batch batch = TinyData.batch(N, 8);
            Path file = dir.resolve("trained.onnx");
            writeOnnx(model, file);
            checkTribuoPredictions(model, batch, file, "pixels", 1f, 0.5f, 0.25f);
        }
    }

    /**
     * Loads {@code file} as the README's snippet does (input name read from the file, ImageTransformer, labels by
     * index) and compares Tribuo's predictions of {@code batch}, preprocessed as {@code (x * scale - mean) / std},
     * with the toolkit model's. Scores are compared as log-probabilities (log-softmax of what the graph outputs).
     */
    private static void checkTribuoPredictions(
            Model model, Batch batch, Path file, String expectedInput, float scale, float mean, float std)
            throws OrtException {
        float[] expected = new float[N * 3];
        model.predictLogProbabilities(batch, expected);
        int features = TinyData.SHAPE.size();
        String input;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), options)) {
            input = session.getInputNames().iterator().next();
        }
        assertEquals(expectedInput, input);
        Map<String, Integer> featureIds = new HashMap<>();
        for (int i = 0; i < features; i++) {
            featureIds.put(featureName(i, features), i);
        }
        Map<Label, Integer> labelIds = new HashMap<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            labelIds.put(new Label(CLASSES.get(c)), c);
        }
        // The model owns the options and closes them with its session.
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        ONNXExternalModel<Label> tribuo = ONNXExternalModel.createOnnxModel(
                new LabelFactory(),
                featureIds,
                labelIds,
                new ImageTransformer(1, 8, 8),
                new LabelTransformer(false),
                options,
                file,
                input);
        try (tribuo) {
            List<Example<Label>> examples = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                ArrayExample<Label> example = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL);
                for (int j = 0; j < features; j++) {
                    float pixel = batch.features()[i * features + j];
                    example.add(featureName(j, features), (pixel * scale - mean) / std);
                }
                examples.add(example);
            }
            List<Prediction<Label>> predictions = tribuo.predict(examples);
            for (int i = 0; i < N; i++) {
                Prediction<Label> p = predictions.get(i);
                assertEquals(
                        CLASSES.get(Metrics.argmax(expected, i * 3, 3)),
                        p.getOutput().getLabel(),
                        "example " + i);
                double[] scores = new double[3];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < 3; c++) {
                    scores[c] = p.getOutputScores().get(CLASSES.get(c)).getScore();
                    max = Math.max(max, scores[c]);
                }
                double sum = 0;
                for (double s : scores) {
                    sum += Math.exp(s - max);
                }
                for (int c = 0; c < 3; c++) {
                    double logProbability = scores[c] - max - Math.log(sum);
                    assertEquals(expected[i * 3 + c], logProbability, 1e-4, "example " + i + ", class " + c);
                }
            }
        }
    }

    /** Zero-padded to the digits of the feature count, as Tribuo's IDXDataSource names features. */
    private static String featureName(int i, int count) {
        return String.format(Locale.ROOT, "%0" + Integer.toString(count).length() + "d", i);
    }

    private static OnnxMl.ModelProto renameInput(OnnxMl.ModelProto model, String name) {
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        String old = graph.getInput(0).getName();
        graph.getInputBuilder(0).setName(name);
        for (OnnxMl.NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(old)) {
                    node.setInput(i, name);
                }
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }
}
