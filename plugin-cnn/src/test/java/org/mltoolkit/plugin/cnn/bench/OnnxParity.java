package org.mltoolkit.plugin.cnn.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mltoolkit.api.Batch;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.InputLayout;
import org.mltoolkit.api.Model;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.StepResult;
import org.mltoolkit.api.Trainer;
import org.mltoolkit.api.TrainerSpec;
import org.mltoolkit.plugin.cnn.CnnModel;
import org.mltoolkit.plugin.cnn.OnnxModelProvider;
import org.mltoolkit.plugin.cnn.OrtTrainerProvider;

/**
 * Trains the {@code onnx} model of an ONNX file on the first {@code steps * batch} MNIST training images in file
 * order (no shuffling), with Adam at 1e-3, printing the loss of every step, then exports the trained network. The
 * other half of {@code bench/onnx_parity.py}, which runs the same steps in PyTorch and compares.
 * Usage: OnnxParity NET.onnx IMAGES_IDX LABELS_IDX STEPS BATCH OUT.onnx [THREADS]
 */
public final class OnnxParity {
    private OnnxParity() {}

    public static void main(String[] args) throws IOException {
        Path net = Path.of(args[0]);
        int steps = Integer.parseInt(args[3]);
        int batchSize = Integer.parseInt(args[4]);
        int threads = args.length > 6 ? Integer.parseInt(args[6]) : 2;
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
                        .create(model, new TrainerSpec("adam", 1e-3, 42, PluginOptions.empty()))) {
            float[] features = new float[batchSize * shape.size()];
            int[] batchLabels = new int[batchSize];
            for (int s = 0; s < steps; s++) {
                System.arraycopy(images, s * batchSize * shape.size(), features, 0, features.length);
                System.arraycopy(labels, s * batchSize, batchLabels, 0, batchSize);
                StepResult r = trainer.step(new Batch(features, batchLabels, batchSize, shape, InputLayout.IMAGE));
                System.out.printf("step %d loss %.8f%n", s + 1, r.loss());
            }
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(Path.of(args[5]))) {
                ((CnnModel) model).writeOnnx(out);
            }
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return file.toString().endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
    }
}
