package org.mltoolkit.plugin.cnn.imported;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.plugin.cnn.graph.GraphBuilder;

/**
 * The ONNX files written by {@code make_fixtures.py} (beside them in the test resources) and PyTorch's answers for
 * them: tiny networks on 1x8x8 (or 64-wide) examples of 3 classes.
 */
public final class Fixtures {
    public static final ExampleShape SHAPE = new ExampleShape(1, 8, 8);
    public static final int CLASSES = 3;

    private Fixtures() {}

    /** The directory of the fixtures. */
    public static Path directory() {
        try {
            return Path.of(Fixtures.class.getResource("make_fixtures.py").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path file(String name) {
        return directory().resolve(name + ".onnx");
    }

    /** A PyTorch answer of fixture {@code name}, for example {@code eval} or {@code grad_fc.weight}; null if absent. */
    public static float[] tensor(String name, String what) {
        Path p = directory().resolve(name).resolve(what + ".pb");
        if (!Files.exists(p)) {
            return null;
        }
        try {
            double[] v = GraphBuilder.values(TensorProto.parseFrom(Files.readAllBytes(p)));
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A spec for the {@code onnx} model of fixture {@code name} with extra options. */
    public static ModelSpec spec(String name, long seed, String... options) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("file", file(name).toString());
        for (String kv : options) {
            values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return new ModelSpec(SHAPE, CLASSES, seed, Device.CPU, 1, new PluginOptions(values));
    }
}
