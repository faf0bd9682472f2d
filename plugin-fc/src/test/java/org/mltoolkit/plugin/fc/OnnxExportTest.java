package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelProvider;
import org.mltoolkit.api.OnnxExportable;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.api.Trainer;

/** The exported file, run in ONNX Runtime, predicts what the Java model predicts. */
class OnnxExportTest {

    @Test
    void fcExportMatchesJavaPredictions(@TempDir Path dir) throws OrtException, java.io.IOException {
        checkParity(new FcModelProvider(), dir);
    }

    @Test
    void linearExportMatchesJavaPredictions(@TempDir Path dir) throws OrtException, java.io.IOException {
        checkParity(new LinearModelProvider(), dir);
    }

    private static void checkParity(ModelProvider provider, Path dir) throws OrtException, java.io.IOException {
        LabeledData data = Fixtures.blobs(768, Fixtures.MNIST_SHAPE, 0.9, 8);
        try (Model model = provider.create(Fixtures.spec(Fixtures.MNIST_SHAPE, 3, 2));
                Trainer trainer = new BackpropTrainerProvider().create(model, Fixtures.adam())) {
            // Train a little so that the BatchNorm running statistics are far from their initial values.
            for (int b = 0; b < 768; b += 128) {
                trainer.step(Fixtures.batch(data, b, 128));
            }
            Path file = dir.resolve("sub").resolve(provider.name() + ".onnx");
            ((OnnxExportable) model).exportOnnx(file);
            try (var files = Files.list(file.getParent())) {
                assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
            }
            Batch batch = Fixtures.batch(data, 0, 50);
            float[] expected = new float[50 * 10];
            model.predictLogProbabilities(batch, expected);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                try (OrtSession session = env.createSession(file.toString(), options);
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
    void unwritableTargetGivesOneLine(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "not a directory");
        try (Model model = new LinearModelProvider().create(Fixtures.spec(Fixtures.MNIST_SHAPE, 3, 1))) {
            ToolkitException e = assertThrows(
                    ToolkitException.class, () -> ((OnnxExportable) model).exportOnnx(blocker.resolve("model.onnx")));
            assertEquals(
                    true, e.getMessage().startsWith(blocker.resolve("model.onnx") + ": cannot write"), e.getMessage());
        }
    }
}
