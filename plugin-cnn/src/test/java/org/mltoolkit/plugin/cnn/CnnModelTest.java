package org.mltoolkit.plugin.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;

class CnnModelTest {
    private final CnnModelProvider provider = new CnnModelProvider();

    @Test
    void referenceNetworkHasThePublishedParameterCount() {
        ModelSpec spec = new ModelSpec(
                new org.mltoolkit.api.ExampleShape(1, 28, 28), 10, 1, Device.CPU, 1, PluginOptions.empty());
        try (Model model = provider.create(spec)) {
            assertEquals(4_741_876L, model.parameterCount());
            assertEquals("cpu", model.device());
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        try (Model a = provider.create(TinyData.spec(1, Device.CPU));
                Model b = provider.create(TinyData.spec(1, Device.CPU));
                Model c = provider.create(TinyData.spec(2, Device.CPU))) {
            assertEquals(a.stateDict(), b.stateDict());
            assertNotEquals(a.stateDict(), c.stateDict());
        }
    }

    @Test
    void stateDictRoundTripAndValidation() {
        try (Model source = provider.create(TinyData.spec(1, Device.CPU));
                Model target = provider.create(TinyData.spec(2, Device.CPU))) {
            Map<String, Tensor> state = source.stateDict();
            target.loadStateDict(state);
            assertEquals(state, target.stateDict());
            Batch batch = TinyData.batch(5, 3);
            float[] expected = new float[5 * TinyData.CLASSES];
            float[] actual = new float[5 * TinyData.CLASSES];
            source.predictLogProbabilities(batch, expected);
            target.predictLogProbabilities(batch, actual);
            assertArrayEquals(expected, actual);

            Map<String, Tensor> before = target.stateDict();
            Map<String, Tensor> badShape = new LinkedHashMap<>(state);
            badShape.put("block1.conv1.weight", new Tensor(new long[] {4, 1, 3, 2}, new float[24]));
            ToolkitException e = assertThrows(ToolkitException.class, () -> target.loadStateDict(badShape));
            assertTrue(
                    e.getMessage().contains("'block1.conv1.weight'")
                            && e.getMessage().contains("[4, 1, 3, 2]"),
                    e.getMessage());
            Map<String, Tensor> missing = new LinkedHashMap<>(state);
            missing.remove("bn_fc1.running_var");
            e = assertThrows(ToolkitException.class, () -> target.loadStateDict(missing));
            assertTrue(e.getMessage().contains("'bn_fc1.running_var'"), e.getMessage());
            Map<String, Tensor> extra = new LinkedHashMap<>(state);
            extra.put("fc9.weight", Tensor.scalar(1));
            e = assertThrows(ToolkitException.class, () -> target.loadStateDict(extra));
            assertTrue(e.getMessage().contains("'fc9.weight'"), e.getMessage());
            Map<String, Tensor> nan = new LinkedHashMap<>(state);
            float[] values = state.get("fc2.bias").data().clone();
            values[1] = Float.NaN;
            nan.put("fc2.bias", new Tensor(state.get("fc2.bias").shape(), values));
            e = assertThrows(ToolkitException.class, () -> target.loadStateDict(nan));
            assertTrue(e.getMessage().contains("'fc2.bias'"), e.getMessage());
            assertEquals(before, target.stateDict(), "a failed load leaves the model unchanged");
        }
    }

    @Test
    void exportedOnnxModelPredictsLikeTheModel() throws Exception {
        try (Model model = provider.create(TinyData.spec(4, Device.CPU));
                Trainer trainer = new OrtTrainerProvider()
                        .create(model, new TrainerSpec("adam", 1e-2, 1, PluginOptions.empty()))) {
            for (int i = 0; i < 5; i++) {
                trainer.step(TinyData.batch(16, i)); // moves weights and running statistics away from their start
            }
            ByteArrayOutputStream onnx = new ByteArrayOutputStream();
            ((CnnModel) model).writeOnnx(onnx);
            assertTrue(onnx.size() > 0);
            Batch batch = TinyData.batch(7, 99);
            float[] expected = new float[7 * TinyData.CLASSES];
            model.predictLogProbabilities(batch, expected);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                try (OrtSession session = env.createSession(onnx.toByteArray(), options);
                        OnnxTensor input = OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(batch.features()), new long[] {7, 1, 8, 8});
                        OrtSession.Result result = session.run(Map.of("input", input))) {
                    assertEquals(
                            "log_probs", session.getOutputNames().iterator().next());
                    float[] actual = new float[7 * TinyData.CLASSES];
                    ((OnnxTensor) result.get("log_probs").orElseThrow())
                            .getFloatBuffer()
                            .get(actual);
                    assertArrayEquals(expected, actual, 1e-5f);
                }
            }
        }
    }

    @Test
    void writingTheModelLeavesTheStreamOpenAndPassesItsFailureOn() throws Exception {
        try (Model model = provider.create(TinyData.spec(4, Device.CPU))) {
            boolean[] closed = {false};
            ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
                @Override
                public void close() {
                    closed[0] = true;
                }
            };
            ((CnnModel) model).writeOnnx(bytes);
            assertFalse(closed[0], "the caller owns the stream");
            assertEquals(
                    ((CnnModel) model).exportModel().toByteString(),
                    com.google.protobuf.ByteString.copyFrom(bytes.toByteArray()));
            java.io.IOException e = assertThrows(
                    java.io.IOException.class,
                    () -> ((CnnModel) model).writeOnnx(new java.io.OutputStream() {
                        @Override
                        public void write(int b) throws java.io.IOException {
                            throw new java.io.IOException("disk full");
                        }
                    }));
            assertEquals("disk full", e.getMessage());
        }
    }

    @Test
    void autoFallsBackToTheCpuWithOneWarningLine() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Model model = provider.create(TinyData.spec(1, Device.AUTO))) {
            if (model.device().startsWith("cuda")) {
                return; // a machine with a usable GPU: nothing to fall back from
            }
            assertEquals("cpu", model.device());
        } finally {
            System.setErr(original);
        }
        String warning = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, warning.lines().count(), warning);
        assertTrue(
                warning.startsWith("WARN no usable CUDA device (") && warning.endsWith("); running on cpu"), warning);
    }

    @Test
    void explicitCudaWithoutCudaFailsClearly() {
        org.junit.jupiter.api.Assumptions.assumeFalse("1".equals(System.getProperty("USE_CUDA")));
        ToolkitException e = assertThrows(
                ToolkitException.class, () -> provider.create(TinyData.spec(1, new Device(Device.Kind.CUDA, 3))));
        assertTrue(e.getMessage().contains("cuda:3") && e.getMessage().contains("CUDA"), e.getMessage());
    }

    @Test
    @EnabledIfSystemProperty(named = "USE_CUDA", matches = "1")
    void trainsOnTheGpu() {
        try (Model model = provider.create(TinyData.spec(1, new Device(Device.Kind.CUDA, 0)));
                Trainer trainer = new OrtTrainerProvider()
                        .create(model, new TrainerSpec("adam", 1e-2, 1, PluginOptions.empty()))) {
            assertEquals("cuda:0", model.device());
            double first = trainer.step(TinyData.batch(32, 1)).loss();
            double last = first;
            for (int i = 0; i < 30; i++) {
                last = trainer.step(TinyData.batch(32, 1)).loss();
            }
            assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
        }
    }

    @Test
    void unknownOrBadOptionsAreRejected() {
        ModelSpec typo = new ModelSpec(TinyData.SHAPE, 3, 1, Device.CPU, 1, new PluginOptions(Map.of("chanels", "4")));
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> provider.create(typo));
        assertTrue(e.getMessage().contains("chanels"), e.getMessage());
        ModelSpec bad =
                new ModelSpec(TinyData.SHAPE, 3, 1, Device.CPU, 1, new PluginOptions(Map.of("channels", "4,x")));
        e = assertThrows(InvalidConfigurationException.class, () -> provider.create(bad));
        assertTrue(e.getMessage().contains("4,x"), e.getMessage());
    }
}
