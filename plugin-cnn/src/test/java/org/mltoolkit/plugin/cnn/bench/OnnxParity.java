package org.mltoolkit.plugin.cnn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.cnn.CnnModel;
import org.mltoolkit.plugin.cnn.OnnxModelProvider;
import org.mltoolkit.plugin.cnn.OrtTrainer;
import org.mltoolkit.plugin.cnn.OrtTrainerProvider;
import org.mltoolkit.plugin.cnn.autodiff.TrainingGraph;
import org.mltoolkit.plugin.cnn.ort.OrtSessions;

/**
 * Trains the {@code onnx} model of an ONNX file on the first {@code steps * batch} MNIST training images in file
 * order (no shuffling), at a constant learning rate (Adam at 1e-3 unless told otherwise), printing the loss of every
 * step, then exports the trained network. The other half of {@code bench/onnx_parity.py}, which runs the same steps in
 * PyTorch and compares. With a dump directory it also writes, as raw little-endian float32 files named after the
 * tensors, every gradient of the first step ({@code grad1/}) and the whole state (parameters and running statistics)
 * after steps 1 to 3 and after the last ({@code state<step>/}), so that the script can compare them tensor by tensor.
 * With a replay directory it then also takes one step from someone else's state: for each {@code before<step>/}
 * there (the model's state and the optimizer's, {@code step} included, as raw float32 files), it loads that state,
 * trains on that step's batch, prints {@code replay <step> loss <loss>} and writes the state after it into
 * {@code <dump>/replay<step>/}. A chaotic trajectory cannot drift through a replay: each step starts from the same
 * numbers on both sides.
 * Usage: OnnxParity NET.onnx IMAGES_IDX LABELS_IDX STEPS BATCH OUT.onnx [THREADS [OPTIMIZER [LR [DUMP_DIR
 * [REPLAY_DIR]]]]]
 */
public final class OnnxParity {
    private OnnxParity() {}

    public static void main(String[] args) throws IOException {
        Path net = Path.of(args[0]);
        int steps = Integer.parseInt(args[3]);
        int batchSize = Integer.parseInt(args[4]);
        int threads = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        String optimizer = args.length > 7 ? args[7] : "adam";
        double learningRate = args.length > 8 ? Double.parseDouble(args[8]) : 1e-3;
        Path dump = args.length > 9 ? Path.of(args[9]) : null;
        Path replay = args.length > 10 ? Path.of(args[10]) : null;
        int n = steps * batchSize;
        ExampleShape shape = new ExampleShape(1, 28, 28);
        float[] images = new float[n * shape.size()];
        int[] labels = new int[n];
        try (DataInputStream in = new DataInputStream(open(Path.of(args[1])))) {
            in.skipNBytes(16);
            byte[] pixels = in.readNBytes(images.length);
            for (int i = 0; i < images.length; i++) {
                images[i] = (pixels[i] & 0xff) / 255f;
            }
        }
        try (DataInputStream in = new DataInputStream(open(Path.of(args[2])))) {
            in.skipNBytes(8);
            byte[] bytes = in.readNBytes(n);
            for (int i = 0; i < n; i++) {
                labels[i] = bytes[i];
            }
        }
        ModelSpec spec =
                new ModelSpec(shape, 10, 42, Device.CPU, threads, new PluginOptions(Map.of("file", net.toString())));
        try (Model model = new OnnxModelProvider().create(spec);
                Trainer trainer = new OrtTrainerProvider()
                        .create(model, new TrainerSpec(optimizer, learningRate, 42, PluginOptions.empty()))) {
            for (int s = 0; s < steps; s++) {
                Batch batch = batch(images, labels, s, batchSize, shape);
                if (dump != null && s == 0) {
                    writeGradients((CnnModel) model, (OrtTrainer) trainer, batch, dump.resolve("grad1"));
                }
                StepResult r = trainer.step(batch);
                System.out.printf("step %d loss %.8f%n", s + 1, r.loss());
                if (dump != null && (s < 3 || s == steps - 1)) {
                    write(model.stateDict(), dump.resolve("state" + (s + 1)));
                }
            }
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(Path.of(args[5]))) {
                ((CnnModel) model).writeOnnx(out);
            }
            for (int s = 1; replay != null && s <= steps; s++) {
                Path before = replay.resolve("before" + s);
                if (!Files.isDirectory(before)) {
                    continue;
                }
                model.loadStateDict(read(model.stateDict(), before));
                trainer.loadOptimizerState(read(trainer.optimizerState(), before));
                StepResult r = trainer.step(batch(images, labels, s - 1, batchSize, shape));
                System.out.printf("replay %d loss %.8f%n", s, r.loss());
                write(model.stateDict(), dump.resolve("replay" + s));
            }
        }
    }

    /** Batch {@code index} (from 0) of {@code batchSize} consecutive examples. */
    private static Batch batch(float[] images, int[] labels, int index, int batchSize, ExampleShape shape) {
        float[] features =
                Arrays.copyOfRange(images, index * batchSize * shape.size(), (index + 1) * batchSize * shape.size());
        int[] batchLabels = Arrays.copyOfRange(labels, index * batchSize, (index + 1) * batchSize);
        return new Batch(features, batchLabels, batchSize, shape, InputLayout.IMAGE);
    }

    /**
     * Reads {@code dir/<name>.bin} (raw little-endian float32) for every tensor of {@code template}, keeping the
     * template's shapes. Throws IOException when a file is missing or has the wrong length.
     */
    private static Map<String, Tensor> read(Map<String, Tensor> template, Path dir) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : template.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".bin");
            byte[] bytes = Files.readAllBytes(file);
            float[] data = new float[e.getValue().size()];
            if (bytes.length != 4 * data.length) {
                throw new IOException(file + " holds " + bytes.length + " bytes, expected " + 4 * data.length);
            }
            ByteBuffer.wrap(bytes)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(data);
            out.put(e.getKey(), new Tensor(e.getValue().shape(), data));
        }
        return out;
    }

    /**
     * Runs the trainer's training graph once on {@code batch} without updating anything and writes every gradient
     * (named after its parameter) into {@code dir}. Throws IOException when a file cannot be written.
     */
    private static void writeGradients(CnnModel model, OrtTrainer trainer, Batch batch, Path dir) throws IOException {
        TrainingGraph graph = trainer.trainingGraph();
        OrtEnvironment env = OrtSessions.environment();
        List<OnnxTensor> tensors = new ArrayList<>();
        try (OrtSession session = OrtSessions.open(graph.model().toByteArray(), Device.CPU, model.threads(), null)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                OnnxTensor t = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(e.getValue().data()), e.getValue().shape());
                tensors.add(t);
                inputs.put(e.getKey(), t);
            }
            FloatBuffer features = FloatBuffer.allocate(batch.features().length);
            model.preprocessing().apply(batch.features(), batch.size(), batch.shape(), features);
            OnnxTensor x =
                    OnnxTensor.createTensor(env, features.rewind(), model.inputDims(batch.size(), batch.shape()));
            tensors.add(x);
            inputs.put(model.network().input(), x);
            long[] labels = new long[batch.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = batch.labels()[i];
            }
            OnnxTensor y = OnnxTensor.createTensor(env, labels);
            tensors.add(y);
            inputs.put("labels", y);
            Map<String, Tensor> gradients = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(
                    inputs, new LinkedHashSet<>(graph.gradientOutputs().values()))) {
                for (Map.Entry<String, String> e : graph.gradientOutputs().entrySet()) {
                    OnnxTensor g = (OnnxTensor) result.get(e.getValue()).orElseThrow();
                    FloatBuffer values = g.getFloatBuffer();
                    float[] data = new float[values.remaining()];
                    values.get(data);
                    gradients.put(e.getKey(), new Tensor(g.getInfo().getShape(), data));
                }
            }
            write(gradients, dir);
        } catch (OrtException e) {
            throw new IOException("cannot run the training graph: " + e.getMessage(), e);
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    /** Writes each tensor of {@code tensors} as {@code dir/<name>.bin}, raw little-endian float32. */
    private static void write(Map<String, Tensor> tensors, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            float[] data = e.getValue().data();
            ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(data);
            Files.write(dir.resolve(e.getKey() + ".bin"), bytes.array());
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return file.toString().endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
    }
}
