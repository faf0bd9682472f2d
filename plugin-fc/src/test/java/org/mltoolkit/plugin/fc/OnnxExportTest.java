package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.Trainer;

/**
 * The exported model, run in ONNX Runtime, predicts what the Java model predicts. (Placing the bytes in a file is
 * the core's: its ModelExport writes them atomically.)
 */
class OnnxExportTest {

    @Test
    void fcExportMatchesJavaPredictions() throws OrtException, IOException {
        checkParity(new FcModelProvider());
    }

    @Test
    void linearExportMatchesJavaPredictions() throws OrtException, IOException {
        checkParity(new LinearModelProvider());
    }

    private static void checkParity(ModelProvider provider) throws OrtException, IOException {
        LabeledData data = Fixtures.blobs(768, Fixtures.MNIST_SHAPE, 0.9, 8);
        try (Model model = provider.create(Fixtures.spec(Fixtures.MNIST_SHAPE, 3, 2));
                Trainer trainer = new BackpropTrainerProvider().create(model, Fixtures.adam())) {
            // Train a little so that the BatchNorm running statistics are far from their initial values.
            for (int b = 0; b < 768; b += 128) {
                trainer.step(Fixtures.batch(data, b, 128));
            }
            ByteArrayOutputStream onnx = new ByteArrayOutputStream();
            ((OnnxExportable) model).writeOnnx(onnx);
            Batch batch = Fixtures.batch(data, 0, 50);
            float[] expected = new float[50 * 10];
            model.predictLogProbabilities(batch, expected);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                try (OrtSession session = env.createSession(onnx.toByteArray(), options);
                        OnnxTensor input = OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(batch.features(), 0, 50 * 784), new long[] {50, 784});
                        OrtSession.Result result = session.run(Map.of("input", input))) {
                    assertEquals(List.of("input"), List.copyOf(session.getInputNames()));
                    assertArrayEquals(
                            new long[] {-1, 784},
                            ((ai.onnxruntime.TensorInfo)
                                            session.getInputInfo().get("input").getInfo())
                                    .getShape());
                    assertArrayEquals(
                            new long[] {-1, 10},
                            ((ai.onnxruntime.TensorInfo) session.getOutputInfo()
                                            .get("log_probs")
                                            .getInfo())
                                    .getShape());
                    float[][] actual =
                            (float[][]) result.get("log_probs").orElseThrow().getValue();
                    float[] flat = new float[50 * 10];
                    for (int i = 0; i < 50; i++) {
                        System.arraycopy(actual[i], 0, flat, i * 10, 10);
                    }
                    assertArrayEquals(expected, flat, 1e-4f);
                }
            }
        }
    }

    @Test
    void writingKeepsToTheStreamItIsGivenAndLeavesItOpen() throws Exception {
        try (Model model = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 3, 1))) {
            boolean[] closed = {false};
            ByteArrayOutputStream bytes = new ByteArrayOutputStream() {
                @Override
                public void close() {
                    closed[0] = true;
                }
            };
            ((OnnxExportable) model).writeOnnx(bytes);
            assertFalse(closed[0], "the caller owns the stream");
            assertEquals(
                    "linear",
                    ai.onnx.proto.OnnxMl.ModelProto.parseFrom(bytes.toByteArray())
                            .getGraph()
                            .getName());

            IOException e = assertThrows(
                    IOException.class,
                    () -> ((OnnxExportable) model).writeOnnx(new OutputStream() {
                        @Override
                        public void write(int b) throws IOException {
                            throw new IOException("disk full");
                        }
                    }));
            assertEquals("disk full", e.getMessage(), "the stream's failure reaches the caller as it is");
        }
    }
}
