package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.DatasetSplits;
import org.mltoolkit.core.ensemble.Ensemble;
import org.mltoolkit.core.ensemble.EnsembleFile;
import org.mltoolkit.core.plugins.ExtensionLookup;
import org.mltoolkit.core.run.Evaluation;
import org.mltoolkit.core.run.ModelExport;
import org.mltoolkit.core.run.TrainingRun;

/**
 * An ensemble exported as one ONNX graph ({@code export --checkpoint E.ens --onnx FILE}) gives, in ONNX Runtime, the
 * log-probabilities {@code evaluate} computes for the ensemble: members of two kinds ({@code fc} and {@code linear}),
 * one of them twice with other weights, so that the graph must keep same-named members apart.
 */
class EnsembleOnnxExportTest {
    private static final DatasetSplits DATA = new DatasetSplits(
            "blobs",
            Fixtures.blobs(384, Fixtures.MNIST_SHAPE, 1.2, 61),
            Fixtures.blobs(64, Fixtures.MNIST_SHAPE, 1.2, 62),
            TribuoFixtures.CLASSES);

    @TempDir
    Path dir;

    private static ExtensionLookup lookup() {
        return TribuoFixtures.throughTheCore(DATA);
    }

    private Path train(String model, long seed) {
        return TrainingRun.builder()
                .lookup(lookup())
                .data(DATA)
                .model(model)
                .modelOptions(model.equals("fc") ? TribuoFixtures.SMALL_FC : Map.of())
                .seed(seed)
                .epochs(1)
                .batchSize(64)
                .threads(1)
                .runDir(dir.resolve(model + "-" + seed))
                .build()
                .run()
                .bestCheckpoint();
    }

    @Test
    void theExportedEnsembleGivesEvaluatesLogProbabilitiesInOnnxRuntime() throws OrtException {
        Path ens = dir.resolve("three.ens");
        EnsembleFile.write(ens, Ensemble.members(List.of(train("fc", 1), train("fc", 2), train("linear", 3))));
        Path onnx = dir.resolve("three.onnx");
        assertEquals(3, ModelExport.ensembleToOnnx(lookup(), ens, onnx).size());

        float[] expected = Evaluation.builder()
                .lookup(lookup())
                .checkpoint(ens)
                .data(DATA)
                .build()
                .run()
                .predictions()
                .logProbabilities();
        int n = 16;
        int d = 784;
        int k = TribuoFixtures.CLASSES.size();
        float[] pixels = new float[n * d];
        DATA.test().copyRange(0, n, pixels, 0);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx.toString(), options);
                    OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {n, d});
                    OrtSession.Result result = session.run(Map.of("input", input))) {
                assertEquals(List.of("log_probs"), List.copyOf(session.getOutputNames()));
                float[][] actual = (float[][]) result.get(0).getValue();
                assertEquals(n, actual.length);
                double mass = 0;
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < k; c++) {
                        assertEquals(expected[i * k + c], actual[i][c], 2e-5, "example " + i + ", class " + c);
                        mass += Math.exp(actual[i][c]);
                    }
                }
                assertEquals(n, mass, 1e-3);
            }
        }
    }
}
