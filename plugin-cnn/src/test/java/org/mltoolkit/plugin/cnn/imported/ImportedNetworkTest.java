package org.mltoolkit.plugin.cnn.imported;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.CnnModel;
import org.mltoolkit.plugin.cnn.OnnxModelProvider;
import org.mltoolkit.plugin.cnn.autodiff.DifferentiationRequest;
import org.mltoolkit.plugin.cnn.autodiff.ReverseModeDifferentiator;
import org.mltoolkit.plugin.cnn.autodiff.TrainingGraph;
import org.mltoolkit.plugin.cnn.graph.ForwardNetwork;
import org.mltoolkit.plugin.cnn.graph.ParameterSpec;

/**
 * Networks exported by PyTorch (legacy exporter, opsets 9 to 21, eval and training mode, initializers among the
 * inputs, merged initializers, Reshape targets and pads computed in the graph) predict what PyTorch predicted, and
 * their training graphs give PyTorch's loss and gradients.
 */
class ImportedNetworkTest {
    private static final String[] ALL = {
        "reference_cnn_opset9", "reference_cnn_opset13", "reference_cnn_opset17", "reference_cnn_opset21",
        "reference_fc_opset11", "mixed_ops_opset9", "mixed_ops_opset11", "mixed_ops_opset18",
        "mixed_ops_training_opset15", "logits_opset13", "unsupported_opset13"
    };

    static CnnModel model(String name, String... options) {
        return (CnnModel) new OnnxModelProvider().create(Fixtures.spec(name, 42, options));
    }

    private static Batch batch(String name) {
        float[] x = Fixtures.tensor(name, "input");
        float[] y = Fixtures.tensor(name, "labels");
        int[] labels = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = (int) y[i];
        }
        return new Batch(x, labels, labels.length, Fixtures.SHAPE, InputLayout.IMAGE);
    }

    /** PyTorch's eval-mode output as log-probabilities. */
    private static float[] expectedLogProbs(String name, OutputKind kind) {
        float[] out = Fixtures.tensor(name, "eval");
        float[] logp = new float[out.length];
        int classes = Fixtures.CLASSES;
        for (int i = 0; i < out.length / classes; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, out[i * classes + k]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(out[i * classes + k] - max);
            }
            for (int k = 0; k < classes; k++) {
                float v = out[i * classes + k];
                logp[i * classes + k] = switch (kind) {
                    case LOG_PROBABILITIES -> v;
                    case PROBABILITIES -> (float) Math.log(v);
                    case LOGITS -> (float) (v - max - Math.log(sum));
                };
            }
        }
        return logp;
    }

    private static OutputKind kind(CnnModel model) {
        String output = model.description().get("output");
        for (OutputKind k : OutputKind.values()) {
            if (output.contains(" " + k.label() + " ")) {
                return k;
            }
        }
        throw new AssertionError(output);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "reference_cnn_opset9", "reference_cnn_opset13", "reference_cnn_opset17", "reference_cnn_opset21",
                "reference_fc_opset11", "mixed_ops_opset9", "mixed_ops_opset11", "mixed_ops_opset18",
                "mixed_ops_training_opset15", "logits_opset13", "unsupported_opset13"
            })
    void predictsWhatPyTorchPredicted(String name) {
        try (CnnModel model = model(name)) {
            Batch batch = batch(name);
            float[] out = new float[batch.size() * Fixtures.CLASSES];
            model.predictLogProbabilities(batch, out);
            float[] expected = expectedLogProbs(name, kind(model));
            for (int i = 0; i < out.length; i++) {
                assertEquals(expected[i], out[i], 2e-4, name + " element " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "reference_cnn_opset9",
                "reference_cnn_opset13",
                "reference_cnn_opset17",
                "reference_cnn_opset21",
                "reference_fc_opset11",
                "mixed_ops_training_opset15",
                "logits_opset13"
            })
    void trainingGraphGivesPyTorchsLossAndGradients(String name) throws OrtException {
        try (CnnModel model = model(name)) {
            ForwardNetwork network = model.network();
            assertNull(network.trainingUnavailable(), name);
            Set<String> parameters = new LinkedHashSet<>();
            Set<String> buffers = new LinkedHashSet<>();
            for (ParameterSpec p : network.state()) {
                (p.trainable() ? parameters : buffers).add(p.name());
            }
            TrainingGraph graph = ReverseModeDifferentiator.differentiate(
                    network.training(),
                    new DifferentiationRequest(
                            Map.of(network.input(), network.inputShape()),
                            network.output(),
                            "labels",
                            parameters,
                            buffers));
            Map<String, float[]> out = run(graph, model, batch(name));
            assertEquals(Fixtures.tensor(name, "loss")[0], out.get(graph.lossOutput())[0], 1e-5, name + " loss");
            int compared = 0;
            for (String p : parameters) {
                float[] expected = Fixtures.tensor(name, "grad_" + p);
                if (expected == null) {
                    continue; // a tensor PyTorch does not see as a parameter (an exporter's folded constant)
                }
                float[] actual = out.get(graph.gradientOutputs().get(p));
                double scale = 1e-6;
                for (float e : expected) {
                    scale = Math.max(scale, Math.abs(e));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(
                            expected[i], actual[i], 1e-3 * scale + 1e-6, name + " gradient of " + p + "[" + i + "]");
                }
                compared++;
            }
            assertTrue(compared >= 4, name + ": compared " + compared + " gradients");
        }
    }

    private static Map<String, float[]> run(TrainingGraph graph, CnnModel model, Batch batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> owned = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(graph.model().toByteArray(), options)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                long[] dims = model.inputDims(batch.size(), batch.shape());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.features()), dims);
                owned.add(x);
                inputs.put(model.network().input(), x);
                long[] labels = new long[batch.size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = batch.labels()[i];
                }
                OnnxTensor l = OnnxTensor.createTensor(env, LongBuffer.wrap(labels), new long[] {labels.length});
                owned.add(l);
                inputs.put("labels", l);
                for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                    OnnxTensor t = OnnxTensor.createTensor(
                            env,
                            FloatBuffer.wrap(e.getValue().data()),
                            e.getValue().shape());
                    owned.add(t);
                    inputs.put(e.getKey(), t);
                }
                Map<String, float[]> out = new HashMap<>();
                try (OrtSession.Result result = session.run(inputs)) {
                    for (Map.Entry<String, OnnxValue> e : result) {
                        if (e.getValue() instanceof OnnxTensor t
                                && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                            FloatBuffer b = t.getFloatBuffer();
                            float[] copy = new float[b.remaining()];
                            b.get(copy);
                            out.put(e.getKey(), copy);
                        }
                    }
                }
                return out;
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    @Test
    void mergedInitializersBecomeSeparateParameters() {
        try (CnnModel model = model("reference_cnn_opset9")) {
            Map<String, Tensor> state = model.stateDict();
            // the exporter stored blocks.0.layers.5.weight as an Identity of blocks.0.layers.2.weight (both ones)
            assertTrue(
                    state.containsKey("blocks.0.layers.5.weight"),
                    state.keySet().toString());
            assertTrue(
                    state.containsKey("blocks.0.layers.2.running_var"),
                    state.keySet().toString());
            long parameters = model.parameterCount();
            // 40 + 8 + 148 + 8 + 222 + 12 + 330 + 12 + 200 + 16 + 27, as PyTorch counts them
            assertEquals(1_023, parameters);
        }
    }

    @Test
    void outputKindsAreDetected() {
        try (CnnModel a = model("reference_cnn_opset13");
                CnnModel b = model("mixed_ops_opset11");
                CnnModel c = model("logits_opset13")) {
            assertEquals(OutputKind.LOG_PROBABILITIES, kind(a));
            assertEquals(OutputKind.PROBABILITIES, kind(b));
            assertEquals(OutputKind.LOGITS, kind(c));
        }
    }

    @Test
    void descriptionShowsTheInputContractTheOutputKindAndThePreprocessing() {
        try (CnnModel plain = model("logits_opset13");
                CnnModel scaled = model("reference_cnn_opset13", "scale=255", "mean=0.5", "std=0.25")) {
            Map<String, String> d = plain.description();
            assertEquals(
                    List.of("file", "format", "input", "output", "classes", "parameters", "init", "training"),
                    List.copyOf(d.keySet()).subList(0, 8));
            assertTrue(d.get("input").matches("'\\w+' \\[N, 64]"), d.get("input"));
            assertTrue(scaled.description().get("input").matches("'\\w+' \\[N, 1, 8, 8]"), d.get("input"));
            assertTrue(
                    d.get("output")
                            .contains("logits (no Softmax or LogSoftmax last; trained through an appended "
                                    + "LogSoftmax)"),
                    d.get("output"));
            assertEquals("scale=1 mean=0 std=1 (the toolkit's pixels in [0, 1] as they are)", d.get("preprocessing"));
            assertEquals("supported", d.get("training"));
            assertEquals("scale=255 mean=0.5 std=0.25", scaled.description().get("preprocessing"));
            assertTrue(scaled.description()
                    .get("output")
                    .contains("log-probabilities (LogSoftmax last; trained with " + "the NLL loss as it is)"));
        }
    }

    @Test
    void unsupportedOperatorIsRefusedInOneLineWhenTraining() {
        try (CnnModel model = model("unsupported_opset13")) {
            String reason = model.network().trainingUnavailable();
            assertNotNull(reason);
            assertTrue(reason.contains("unsupported operator Sin in node '") && !reason.contains("\n"), reason);
        }
    }

    @Test
    void wrongShapeOrClassesOrOptionsAreOneLine() {
        ToolkitException shape = assertThrows(
                ToolkitException.class,
                () -> new OnnxModelProvider()
                        .create(new org.mltoolkit.api.ModelSpec(
                                new org.mltoolkit.api.ExampleShape(1, 28, 28),
                                3,
                                1,
                                org.mltoolkit.api.Device.CPU,
                                1,
                                Fixtures.spec("reference_cnn_opset13", 1).options())));
        assertTrue(
                shape.getMessage().contains("[N, 1, 8, 8]")
                        && shape.getMessage().contains("[N, 1, 28, 28]"),
                shape.getMessage());
        ToolkitException classes = assertThrows(
                ToolkitException.class,
                () -> new OnnxModelProvider()
                        .create(new org.mltoolkit.api.ModelSpec(
                                Fixtures.SHAPE,
                                10,
                                1,
                                org.mltoolkit.api.Device.CPU,
                                1,
                                Fixtures.spec("reference_cnn_opset13", 1).options())));
        assertTrue(
                classes.getMessage().contains("3 classes")
                        && classes.getMessage().contains("has 10"),
                classes.getMessage());
        assertThrows(ToolkitException.class, () -> model("reference_cnn_opset13", "init=maybe"));
        ToolkitException missing = assertThrows(
                ToolkitException.class,
                () -> new OnnxModelProvider()
                        .create(new org.mltoolkit.api.ModelSpec(
                                Fixtures.SHAPE,
                                3,
                                1,
                                org.mltoolkit.api.Device.CPU,
                                1,
                                new org.mltoolkit.api.PluginOptions(Map.of("file", "no-such.onnx")))));
        assertTrue(missing.getMessage().contains("no-such.onnx"), missing.getMessage());
    }

    @Test
    void randomInitDrawsFromTheSeedLikePyTorch() {
        try (CnnModel a = model("reference_cnn_opset13", "init=random");
                CnnModel b = model("reference_cnn_opset13", "init=random");
                CnnModel file = model("reference_cnn_opset13")) {
            Map<String, Tensor> sa = a.stateDict();
            Map<String, Tensor> sb = b.stateDict();
            Map<String, Tensor> sf = file.stateDict();
            for (String k : sa.keySet()) {
                assertTrue(java.util.Arrays.equals(sa.get(k).data(), sb.get(k).data()), k);
            }
            float[] w = sa.get("blocks.0.layers.0.weight").data();
            double bound = 1 / Math.sqrt(9);
            for (float v : w) {
                assertTrue(Math.abs(v) <= bound, "weight " + v + " outside +-" + bound);
            }
            assertTrue(!java.util.Arrays.equals(
                    w, sf.get("blocks.0.layers.0.weight").data()));
            for (float v : sa.get("blocks.0.layers.2.running_var").data()) {
                assertEquals(1f, v);
            }
            assertTrue(a.description().get("init").startsWith("random from seed 42"));
        }
    }

    @Test
    void exportKeepsTheOriginalNamesAndCarriesTheState(@TempDir Path dir) throws OrtException, java.io.IOException {
        String name = "mixed_ops_training_opset15";
        try (CnnModel model = model(name)) {
            Map<String, Tensor> state = model.stateDict();
            // a visible change: a running mean moved by one
            String mean = state.keySet().stream()
                    .filter(k -> k.endsWith("running_mean"))
                    .findFirst()
                    .orElseThrow();
            Map<String, Tensor> changed = new java.util.LinkedHashMap<>(state);
            float[] shifted = state.get(mean).data().clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += 1f;
            }
            changed.put(mean, new Tensor(state.get(mean).shape(), shifted));
            model.loadStateDict(changed);
            Path file = dir.resolve("out.onnx");
            try (java.io.OutputStream out = Files.newOutputStream(file)) {
                model.writeOnnx(out);
            }
            Batch batch = batch(name);
            float[] ours = new float[batch.size() * Fixtures.CLASSES];
            model.predictLogProbabilities(batch, ours);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(file.toString());
                    OnnxTensor x = OnnxTensor.createTensor(
                            env, FloatBuffer.wrap(batch.features()), new long[] {batch.size(), 1, 8, 8});
                    OrtSession.Result result = session.run(Map.of("input", x))) {
                assertEquals(List.of("input"), new ArrayList<>(session.getInputNames()));
                assertEquals(Set.of("output"), session.getOutputNames());
                float[] probs = new float[ours.length];
                ((OnnxTensor) result.get("output").orElseThrow())
                        .getFloatBuffer()
                        .get(probs);
                for (int i = 0; i < probs.length; i++) {
                    assertEquals(Math.exp(ours[i]), probs[i], 1e-5, "probability " + i);
                }
            }
        }
    }
}
