package org.mltoolkit.plugin.cnn.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;
import org.mltoolkit.plugin.cnn.graph.OnnxModels;

/**
 * The ONNX project's backend node tests (Debian's {@code libonnx-testdata}: one model per operator case, its inputs
 * and expected outputs) as a conformance suite for the forward pass of every operator that has a gradient rule, as
 * it runs in a training graph: derived by the differentiator, Conv both lowered to batch-wide matrix products and
 * as Conv nodes, BatchNormalization in training mode. Cases whose attributes training refuses (auto_pad, ceil_mode,
 * edge padding, ...) and Dropout with a random mask are skipped with the reason. Skipped as a whole, visibly, where
 * the package is not installed ({@code apt-get install libonnx-testdata}); {@code ONNX_TESTDATA} names another copy.
 */
class OnnxBackendConformanceTest {
    private static final Path DATA = Path.of(
                    System.getenv().getOrDefault("ONNX_TESTDATA", "/usr/share/libonnx-testdata/data"))
            .resolve("node");
    private static final Map<String, int[]> OUTCOMES = new TreeMap<>();

    @TestFactory
    Stream<DynamicTest> nodeTestsOfTrainableOperators() throws IOException {
        if (!Files.isDirectory(DATA)) {
            return Stream.of(DynamicTest.dynamicTest(
                    "libonnx-testdata",
                    () -> Assumptions.abort("the ONNX backend node tests are not installed (" + DATA
                            + "): apt-get install libonnx-testdata, or set ONNX_TESTDATA")));
        }
        Set<String> trainable = ReverseModeDifferentiator.supportedOperators();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(DATA)) {
            for (Path dir : dirs.sorted().toList()) {
                Path file = dir.resolve("model.onnx");
                if (!Files.isRegularFile(file) || !Files.isDirectory(dir.resolve("test_data_set_0"))) {
                    continue;
                }
                ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
                List<NodeProto> nodes = model.getGraph().getNodeList();
                if (nodes.size() != 1 || !trainable.contains(nodes.get(0).getOpType())) {
                    continue;
                }
                String op = nodes.get(0).getOpType();
                for (int gemm : op.equals("Conv") ? new int[] {4096, 0} : new int[] {4096}) {
                    String name =
                            dir.getFileName() + (op.equals("Conv") ? (gemm > 0 ? " (lowered)" : " (Conv nodes)") : "");
                    tests.add(DynamicTest.dynamicTest(name, () -> runCase(op, model, dir, gemm)));
                }
            }
        }
        return tests.stream();
    }

    @AfterAll
    static void everyOperatorPassedSomewhere() {
        if (!Files.isDirectory(DATA)) {
            return;
        }
        for (String op : ReverseModeDifferentiator.supportedOperators()) {
            if (op.equals("NegativeLogLikelihoodLoss") || op.equals("Constant") && !OUTCOMES.containsKey(op)) {
                continue;
            }
            int[] counts = OUTCOMES.getOrDefault(op, new int[2]);
            assertTrue(counts[0] > 0, "no backend node test of " + op + " passed (" + counts[1] + " skipped)");
        }
    }

    private static void runCase(String op, ModelProto model, Path dir, int gemmPixels) throws Exception {
        Path data = dir.resolve("test_data_set_0");
        GraphProto graph = model.getGraph();
        NodeProto node = graph.getNode(0);
        if (op.equals("Dropout") && !dir.getFileName().toString().contains("zero_ratio")) {
            skip(op, "Dropout draws a random mask in training; its scaling is checked in TrainingGraphTest");
        }
        if (op.equals("BatchNormalization") && !dir.getFileName().toString().contains("training_mode")) {
            skip(op, "training graphs run BatchNormalization in training mode (the *_training_mode cases)");
        }
        GraphProto.Builder forward = graph.toBuilder().clearInput().clearOutput();
        Map<String, long[]> inputShapes = new HashMap<>();
        Map<String, float[]> feeds = new HashMap<>();
        Set<String> parameters = new LinkedHashSet<>();
        Set<String> buffers = new LinkedHashSet<>();
        for (int i = 0; i < graph.getInputCount(); i++) {
            ValueInfoProto in = graph.getInput(i);
            if (!in.getType().hasTensorType()) {
                skip(
                        op,
                        "input '" + in.getName() + "' is not a tensor ("
                                + in.getType().getValueCase() + ")");
            }
            TensorProto value = TensorProto.parseFrom(Files.readAllBytes(data.resolve("input_" + i + ".pb")));
            value = value.toBuilder().setName(in.getName()).build();
            long[] dims =
                    value.getDimsList().stream().mapToLong(Long::longValue).toArray();
            boolean isFloat = value.getDataType() == TensorProto.DataType.FLOAT.getNumber();
            if (!isFloat && i == 0) {
                skip(op, "the input is " + TensorProto.DataType.forNumber(value.getDataType()) + ", not float");
            }
            if (!isFloat || dims.length == 0) {
                forward.addInitializer(value); // shapes, pads, ratios, flags: constants of the graph
                continue;
            }
            forward.addInput(in);
            inputShapes.put(in.getName(), dims);
            feeds.put(in.getName(), floats(value));
            int position = node.getInputList().indexOf(in.getName());
            if (op.equals("BatchNormalization") && position >= 3) {
                buffers.add(in.getName());
            } else {
                parameters.add(in.getName());
            }
        }
        TensorProto expected = TensorProto.parseFrom(Files.readAllBytes(data.resolve("output_0.pb")));
        if (expected.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            skip(op, "the output is " + TensorProto.DataType.forNumber(expected.getDataType()) + ", not float");
        }
        String output = graph.getOutput(0).getName();
        forward.addOutput(graph.getOutput(0));
        NodeProto.Builder single = node.toBuilder();
        if (op.equals("BatchNormalization")) {
            // the training graph computes the running statistics itself (PyTorch's rule, unbiased variance)
            single.clearOutput().addOutput(node.getOutput(0));
            for (int k = single.getAttributeCount() - 1; k >= 0; k--) {
                if (single.getAttribute(k).getName().equals("training_mode")) {
                    single.removeAttribute(k);
                }
            }
        }
        forward.clearNode().addNode(single);
        TrainingGraph training;
        try {
            training = ReverseModeDifferentiator.differentiate(
                    OnnxModels.model(forward.build()),
                    new DifferentiationRequest(inputShapes, output, null, parameters, buffers, gemmPixels));
        } catch (ToolkitException e) {
            skip(op, "training refuses this case: " + e.getMessage());
            return;
        }
        long[] outDims =
                expected.getDimsList().stream().mapToLong(Long::longValue).toArray();
        float[] want = floats(expected);
        float[] got = run(training, feeds, inputShapes, outDims, want.length);
        assertEquals(want.length, got.length, "output size");
        for (int i = 0; i < want.length; i++) {
            double tolerance = 1e-4 * Math.max(1, Math.abs(want[i]));
            assertEquals(want[i], got[i], tolerance, op + " output element " + i);
        }
        OUTCOMES.computeIfAbsent(op, k -> new int[2])[0]++;
    }

    private static void skip(String op, String reason) {
        OUTCOMES.computeIfAbsent(op, k -> new int[2])[1]++;
        Assumptions.abort(reason);
    }

    private static float[] floats(TensorProto t) {
        double[] v = GraphBuilder.values(t);
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static float[] run(
            TrainingGraph training, Map<String, float[]> feeds, Map<String, long[]> shapes, long[] outDims, int size)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> owned = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(training.model().toByteArray(), options)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                for (Map.Entry<String, float[]> e : feeds.entrySet()) {
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey()));
                    owned.add(t);
                    inputs.put(e.getKey(), t);
                }
                OnnxTensor seed = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[size]), outDims);
                owned.add(seed);
                inputs.put(training.seedInput(), seed);
                try (OrtSession.Result result = session.run(inputs, Set.of(training.predictionOutput()))) {
                    FloatBuffer b = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    float[] out = new float[b.remaining()];
                    b.get(out);
                    return out;
                }
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }
}
