package org.mltoolkit.plugin.cnn.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks a derived training graph against central finite differences of the same graph's forward output (so
 * training-mode BatchNorm is checked in training mode). The scalar differentiated is sum(seed * output) when the
 * graph was seeded, or the mean NLL loss when it has labels. Sums are taken in double precision.
 */
final class GradientChecker implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final TrainingGraph graph;
    private final OrtSession session;
    private final Map<String, float[]> values;
    private final Map<String, long[]> shapes;
    private final long[] labels;
    private float[] seed;

    GradientChecker(TrainingGraph graph, Map<String, float[]> values, Map<String, long[]> shapes, long[] labels)
            throws OrtException {
        this.graph = graph;
        this.values = new LinkedHashMap<>(values);
        this.shapes = shapes;
        this.labels = labels;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            this.session = env.createSession(graph.model().toByteArray(), options);
        }
    }

    /** Sets the seed gradient of the output (seeded graphs only). */
    void seed(float[] seedValues, long[] shape) {
        this.seed = seedValues;
        shapes.put(graph.seedInput(), shape);
    }

    /** Runs the graph and returns every float output by name. */
    Map<String, float[]> run() throws OrtException {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        List<OnnxTensor> all = new ArrayList<>();
        try {
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey()));
                all.add(t);
                inputs.put(e.getKey(), t);
            }
            if (graph.seedInput() != null) {
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(seed), shapes.get(graph.seedInput()));
                all.add(t);
                inputs.put(graph.seedInput(), t);
            }
            if (labels != null) {
                OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(labels), new long[] {labels.length});
                all.add(t);
                inputs.put("labels", t);
            }
            Map<String, float[]> out = new HashMap<>();
            try (OrtSession.Result result = session.run(inputs)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                        FloatBuffer b = t.getFloatBuffer();
                        float[] copy = new float[b.remaining()];
                        b.get(copy);
                        out.put(e.getKey(), copy);
                    }
                }
            }
            return out;
        } finally {
            all.forEach(OnnxTensor::close);
        }
    }

    private double objective() throws OrtException {
        Map<String, float[]> out = run();
        if (graph.lossOutput() != null) {
            return out.get(graph.lossOutput())[0];
        }
        float[] y = out.get(graph.predictionOutput());
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) seed[i] * y[i];
        }
        return sum;
    }

    /**
     * Compares the analytic gradient of {@code name} with central differences at up to {@code samples} random
     * elements; fails when an element differs by more than {@code tolerance} relative to the larger of its
     * magnitude and a tenth of the largest gradient element.
     */
    void check(String name, double epsilon, double tolerance, int samples, long randomSeed) throws OrtException {
        float[] analytic = run().get(graph.gradientOutputs().get(name));
        float[] x = values.get(name);
        double scale = 0;
        for (float a : analytic) {
            scale = Math.max(scale, Math.abs(a));
        }
        assertTrue(scale > 0, "gradient of " + name + " is identically zero");
        SplittableRandom random = new SplittableRandom(randomSeed);
        int count = Math.min(samples, x.length);
        double worst = 0;
        String worstText = "";
        for (int s = 0; s < count; s++) {
            int i = count == x.length ? s : random.nextInt(x.length);
            float original = x[i];
            x[i] = (float) (original + epsilon);
            double plus = objective();
            x[i] = (float) (original - epsilon);
            double minus = objective();
            x[i] = original;
            double actualStep = ((double) (float) (original + epsilon) - (float) (original - epsilon));
            double numeric = (plus - minus) / actualStep;
            double error = Math.abs(numeric - analytic[i]) / Math.max(Math.abs(numeric), 0.1 * scale);
            if (error > worst) {
                worst = error;
                worstText = name + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric;
            }
        }
        assertTrue(worst <= tolerance, "worst relative error " + worst + " at " + worstText);
    }

    static float[] random(SplittableRandom random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
