package org.mltoolkit.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the toolkit knows an ONNX file is its own: the producer name, read from the model's first fields. */
class OutputFilesTest {
    @TempDir
    Path dir;

    /** A ModelProto's start: ir_version 7, then producer_name, then an opset import (field 8). */
    private static byte[] onnxStart(String producer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x08);
        out.write(7);
        byte[] name = producer.getBytes(StandardCharsets.UTF_8);
        out.write(0x12);
        out.write(name.length);
        out.writeBytes(name);
        out.write(0x42);
        out.write(2);
        out.write(0x10);
        out.write(13);
        return out.toByteArray();
    }

    @Test
    void anOnnxModelIsTheToolkitsWhenItsProducerNameSaysSo() throws IOException {
        Path ours = Files.write(dir.resolve("ours.onnx"), onnxStart("mltoolkit plugin-fc"));
        Path theirs = Files.write(dir.resolve("theirs.onnx"), onnxStart("pytorch"));
        Path text = Files.writeString(dir.resolve("text.onnx"), "hello");
        assertTrue(OutputFiles.Kind.ONNX.writtenByToolkit(ours));
        assertFalse(OutputFiles.Kind.ONNX.writtenByToolkit(theirs));
        assertFalse(OutputFiles.Kind.ONNX.writtenByToolkit(text));
        assertFalse(OutputFiles.Kind.CHECKPOINT.writtenByToolkit(ours));
        assertFalse(OutputFiles.Kind.PNG.writtenByToolkit(ours));
    }
}
