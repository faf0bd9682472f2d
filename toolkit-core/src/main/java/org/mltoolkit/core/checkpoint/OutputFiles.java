package org.mltoolkit.core.checkpoint;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.mltoolkit.api.InvalidConfigurationException;
import org.mltoolkit.api.ToolkitException;

/**
 * The one rule for every file a command writes: an output is never one of the command's own inputs (compared as the
 * same file on disk, through symbolic links, {@code ..} and hard links), and it replaces an existing file only when
 * the toolkit wrote that file as the same kind of output, or when overwriting is allowed. The toolkit knows its own
 * files by their content:
 * <ul>
 *   <li>a checkpoint by its magic number ({@code MLTKCKPT});
 *   <li>an ONNX model by its producer name, which starts with {@value #PRODUCER} in every model the toolkit exports;
 *   <li>a PNG picture by its {@code tEXt} chunk {@code Software}, which the toolkit sets to {@value #PRODUCER};
 *   <li>a model file in a plugin's own format ({@code export --tribuo}, {@code --format}) by the text
 *       {@value #PRODUCER} in its first mebibyte, where the plugin records what wrote it (the Tribuo files of
 *       plugin-fc carry it in their provenance keys, {@code mltoolkit-version}).
 * </ul>
 * So re-running an export or a prediction to the same file goes ahead, while a file of the user's (a text file, a
 * run's {@code summary.json}, someone else's ONNX model) is kept unless overwriting is asked for.
 */
public final class OutputFiles {
    /** The name the toolkit writes into the files it produces, where their format has a place for one. */
    public static final String PRODUCER = "mltoolkit";

    /** What an output is, and how to tell that the toolkit wrote an existing file of that kind. */
    public enum Kind {
        CHECKPOINT("a checkpoint"),
        ONNX("an ONNX model"),
        PNG("a PNG picture"),
        MODEL_FILE("a model file");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** True when {@code file} holds this kind of output, written by the toolkit. */
        public boolean writtenByToolkit(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                return switch (this) {
                    case CHECKPOINT -> Arrays.equals(in.readNBytes(8), "MLTKCKPT".getBytes(StandardCharsets.US_ASCII));
                    case ONNX -> onnxProducer(in).startsWith(PRODUCER);
                    case PNG -> PRODUCER.equals(pngSoftware(in));
                    case MODEL_FILE -> containsProducer(in.readNBytes(MAX_PROBE_BYTES));
                };
            } catch (IOException e) {
                return false;
            }
        }
    }

    private static final int MAX_PROBE_BYTES = 1 << 20;

    private OutputFiles() {}

    /**
     * Checks that {@code output}, the value of the setting {@code setting}, may be written as {@code kind} by a
     * command that reads {@code inputs} (setting name to file). Writes nothing. Throws InvalidConfigurationException
     * naming the setting when the output is one of the inputs, is a directory, or is an existing file the toolkit did
     * not write as {@code kind} while {@code overwrite} is false.
     */
    public static void checkWritable(
            String setting, Path output, Kind kind, boolean overwrite, Map<String, Path> inputs) {
        if (!Files.exists(output)) {
            return;
        }
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            if (input.getValue() != null && sameFile(output, input.getValue())) {
                throw new InvalidConfigurationException(
                        setting,
                        output,
                        "is the file given as {" + input.getKey() + "}, which this command reads; name another file");
            }
        }
        if (Files.isDirectory(output)) {
            throw new InvalidConfigurationException(setting, output, "is a directory; name a file");
        }
        if (!overwrite && !kind.writtenByToolkit(output)) {
            throw new InvalidConfigurationException(
                    setting,
                    output,
                    "exists and is not " + kind.description + " this toolkit wrote; name another file, or enable"
                            + " {overwrite} to replace it");
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            throw new ToolkitException("cannot compare " + a + " with " + b + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code bytes} hold {@value #PRODUCER} as ASCII text. */
    private static boolean containsProducer(byte[] bytes) {
        byte[] name = PRODUCER.getBytes(StandardCharsets.US_ASCII);
        for (int start = 0; start + name.length <= bytes.length; start++) {
            if (Arrays.equals(bytes, start, start + name.length, name, 0, name.length)) {
                return true;
            }
        }
        return false;
    }

    /** The producer name of an ONNX model (field 2 of ModelProto), or "" when there is none before the graph. */
    private static String onnxProducer(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        long read = 0;
        while (read < MAX_PROBE_BYTES) {
            long tag = varint(data);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            read += 10;
            if (wire == 0) {
                varint(data);
            } else if (wire == 2) {
                long length = varint(data);
                if (length < 0 || length > MAX_PROBE_BYTES) {
                    return "";
                }
                byte[] bytes = data.readNBytes((int) length);
                if (field == 2) {
                    return new String(bytes, StandardCharsets.UTF_8);
                }
                read += length;
            } else if (wire == 5) {
                data.skipNBytes(4);
            } else if (wire == 1) {
                data.skipNBytes(8);
            } else {
                return "";
            }
        }
        return "";
    }

    private static long varint(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("varint too long");
    }

    /** The value of a PNG's {@code tEXt} chunk {@code Software} before its image data, or null. */
    private static String pngSoftware(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] signature = data.readNBytes(8);
        if (!Arrays.equals(signature, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})) {
            return null;
        }
        while (true) {
            int length = data.readInt();
            String type = new String(data.readNBytes(4), StandardCharsets.US_ASCII);
            if (length < 0 || length > MAX_PROBE_BYTES || type.equals("IDAT") || type.equals("IEND")) {
                return null;
            }
            byte[] body = data.readNBytes(length);
            data.skipNBytes(4);
            String text = new String(body, StandardCharsets.ISO_8859_1);
            if (type.equals("tEXt") && text.startsWith("Software\0")) {
                return text.substring("Software\0".length());
            }
        }
    }
}
