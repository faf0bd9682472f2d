package org.mltoolkit.plugin.fc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.LabeledData;
import org.mltoolkit.api.Metrics;

/**
 * A Tribuo application with Tribuo's jars and ONNX Runtime on its class path and no toolkit class: the README's
 * {@code ToolkitModels} snippet, taken from the README as it stands, compiled against those jars alone and run in a
 * JVM of its own on files the toolkit wrote. Its predictions must be the toolkit's.
 */
class PlainTribuoApplicationTest {
    private static final int N = 40;
    private static final String SNIPPET_MARKER = "<!-- ToolkitModels.java:";

    @TempDir
    static Path work;

    private static LabeledData data;
    private static float[] linearLogProbabilities;
    private static float[] fcLogProbabilities;
    private static Map<String, List<String>> output;

    /**
     * Compiles the snippet, writes the files of a trained {@code linear} and {@code fc} and runs the application
     * once on all of them (one JVM start for the lot).
     */
    @BeforeAll
    static void runTheReadmeSnippetOnToolkitFiles() throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        String tribuoClassPath = Files.readString(module.resolve("target/plain-tribuo.classpath"))
                .trim();
        for (String entry : tribuoClassPath.split(File.pathSeparator)) {
            assertFalse(entry.contains("mltoolkit") || entry.contains("pf4j"), "toolkit class path entry " + entry);
        }
        assertTrue(tribuoClassPath.contains("tribuo-onnx"), tribuoClassPath);
        Path classes = compile(module.resolve("README.md"), tribuoClassPath);

        data = Fixtures.blobs(512, Fixtures.MNIST_SHAPE, 0.9, 31);
        Files.writeString(work.resolve("pixels.txt"), pixelLines(data, N));
        List<String> jobs = new ArrayList<>();
        try (DenseClassifier linear =
                TribuoFixtures.trained(new LinearModelProvider(), TribuoLinearTrainerProvider.NAME, data)) {
            linearLogProbabilities = TribuoFixtures.logProbabilities(linear, data, N);
            jobs.add("tribuo:" + writeTribuo(linear, work.resolve("linear.tribuo")));
        }
        try (DenseClassifier fc = TribuoFixtures.trained(new FcModelProvider(), BackpropTrainerProvider.NAME, data)) {
            fcLogProbabilities = TribuoFixtures.logProbabilities(fc, data, N);
            jobs.add("tribuo:" + writeTribuo(fc, work.resolve("fc.tribuo")));
            Path onnx = work.resolve("fc.onnx");
            try (java.io.OutputStream out = Files.newOutputStream(onnx)) {
                fc.writeOnnx(out);
            }
            jobs.add("onnx:" + onnx + ":1:28:28:false");
            // An image-shaped graph, [N, 1, 28, 28] flattened in front of the same network, stands for the models
            // that take images: Tribuo's ImageTransformer must order the pixels as the toolkit does.
            Path image = work.resolve("fc-image.onnx");
            Files.write(
                    image,
                    withImageInput(OnnxGraphExporter.build(fc, OnnxGraphExporter.Output.LOG_PROBABILITIES))
                            .toByteArray());
            jobs.add("onnx:" + image + ":1:28:28:true");
        }
        output = run(classes, tribuoClassPath, jobs);
    }

    private static Path compile(Path readme, String tribuoClassPath) throws IOException {
        Path sources = Files.createDirectories(work.resolve("src"));
        Files.writeString(sources.resolve("ToolkitModels.java"), snippet(readme));
        try (var driver = PlainTribuoApplicationTest.class.getResourceAsStream("/plain-tribuo/PredictDigits.java")) {
            Files.write(sources.resolve("PredictDigits.java"), driver.readAllBytes());
        }
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(
                null,
                null,
                null,
                "-proc:none",
                "-d",
                classes.toString(),
                "-cp",
                tribuoClassPath,
                sources.resolve("ToolkitModels.java").toString(),
                sources.resolve("PredictDigits.java").toString());
        assertEquals(0, status, "the README's snippet compiles against Tribuo's jars alone");
        return classes;
    }

    private static Path writeTribuo(DenseClassifier model, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            model.export(DenseClassifier.TRIBUO_FORMAT, TribuoFixtures.CONTEXT, out);
        }
        return file;
    }

    /** The Java block that follows the marker comment in the README. */
    private static String snippet(Path readme) throws IOException {
        String text = Files.readString(readme);
        int marker = text.indexOf(SNIPPET_MARKER);
        assertTrue(marker >= 0, "the README marks the snippet with " + SNIPPET_MARKER);
        int start = text.indexOf("```java\n", marker) + "```java\n".length();
        int end = text.indexOf("```", start);
        return text.substring(start, end);
    }

    private static String pixelLines(LabeledData data, int n) {
        StringBuilder lines = new StringBuilder();
        int d = data.shape().size();
        float[] pixels = new float[d];
        for (int i = 0; i < n; i++) {
            data.copyExample(i, pixels, 0);
            for (int j = 0; j < d; j++) {
                lines.append(j == 0 ? "" : " ").append(pixels[j]);
            }
            lines.append('\n');
        }
        return lines.toString();
    }

    @Test
    void linearTribuoFileLoadsAndPredictsLikeTheToolkit() {
        check(linearLogProbabilities, output.get("tribuo:" + work.resolve("linear.tribuo")), true);
    }

    @Test
    void fcTribuoFileLoadsAndPredictsLikeTheToolkit() {
        check(fcLogProbabilities, output.get("tribuo:" + work.resolve("fc.tribuo")), true);
    }

    @Test
    void fcOnnxFileLoadsThroughOnnxExternalModelAndPredictsLikeTheToolkit() {
        check(fcLogProbabilities, output.get("onnx:" + work.resolve("fc.onnx") + ":1:28:28:false"), false);
    }

    @Test
    void imageShapedOnnxFileLoadsThroughImageTransformerAndPredictsLikeTheToolkit() {
        check(fcLogProbabilities, output.get("onnx:" + work.resolve("fc-image.onnx") + ":1:28:28:true"), false);
    }

    /** Runs the compiled application in a JVM of its own; returns its output lines by job. */
    private static Map<String, List<String>> run(Path classes, String tribuoClassPath, List<String> jobs)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of(
                "-cp",
                classes + File.pathSeparator + tribuoClassPath,
                "PredictDigits",
                work.resolve("pixels.txt").toString(),
                String.join(",", TribuoFixtures.CLASSES)));
        command.addAll(jobs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the application finishes");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), text);
        Map<String, List<String>> byJob = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("== ")) {
                current = new ArrayList<>();
                byJob.put(line.substring(3), current);
            } else if (current != null && !line.isBlank()) {
                current.add(line);
            }
        }
        assertEquals(jobs, List.copyOf(byJob.keySet()), text);
        return byJob;
    }

    /** Each line: the toolkit's most probable class, then its probabilities or log-probabilities in class order. */
    private static void check(float[] expected, List<String> lines, boolean probabilities) {
        assertEquals(N, lines.size(), String.join("\n", lines));
        for (int i = 0; i < N; i++) {
            String[] fields = lines.get(i).split(" ");
            assertEquals(TribuoFixtures.CLASSES.get(Metrics.argmax(expected, i * 10, 10)), fields[0], "example " + i);
            for (int c = 0; c < 10; c++) {
                double value = expected[i * 10 + c];
                double want = probabilities ? Math.exp(value) : value;
                assertEquals(
                        want,
                        Double.parseDouble(fields[c + 1]),
                        probabilities ? 1e-5 : 1e-4,
                        String.format(Locale.ROOT, "example %d, class %d", i, c));
            }
        }
    }

    /** The graph with its input reshaped to [N, 1, 28, 28] and flattened back before the first layer. */
    private static OnnxMl.ModelProto withImageInput(OnnxMl.ModelProto flat) {
        OnnxMl.GraphProto.Builder graph = flat.getGraph().toBuilder();
        String input = graph.getInput(0).getName();
        for (OnnxMl.NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(input)) {
                    node.setInput(i, "flattened_input");
                }
            }
        }
        graph.addNode(
                0,
                OnnxMl.NodeProto.newBuilder()
                        .setOpType("Flatten")
                        .setName("flatten_input")
                        .addInput(input)
                        .addOutput("flattened_input")
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                                .setI(1)));
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : new int[] {1, 28, 28}) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().setShape(shape);
        return flat.toBuilder().setGraph(graph).build();
    }
}
