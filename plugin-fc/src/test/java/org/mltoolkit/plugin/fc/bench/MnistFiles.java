package org.mltoolkit.plugin.fc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.LabeledData;

/** Bench-only reader for the four raw MNIST IDX files (the toolkit itself reads data through plugin-mnist). */
final class MnistFiles {
    private MnistFiles() {}

    static LabeledData read(Path dir, String prefix) throws IOException {
        ByteBuffer images = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(prefix + "-images-idx3-ubyte")));
        ByteBuffer labels = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(prefix + "-labels-idx1-ubyte")));
        if (images.getInt() != 0x803 || labels.getInt() != 0x801) {
            throw new IOException(dir + ": not raw IDX files for " + prefix);
        }
        int n = images.getInt();
        int rows = images.getInt();
        int cols = images.getInt();
        if (labels.getInt() != n) {
            throw new IOException(dir + ": image and label counts differ for " + prefix);
        }
        float[] features = new float[n * rows * cols];
        for (int i = 0; i < features.length; i++) {
            features[i] = (images.get() & 0xff) / 255f;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.get() & 0xff;
        }
        return new LabeledData(features, y, new ExampleShape(1, rows, cols), 10);
    }
}
