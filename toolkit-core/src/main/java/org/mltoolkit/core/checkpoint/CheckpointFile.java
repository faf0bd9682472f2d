package org.mltoolkit.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.core.engine.EpochMetrics;

/**
 * The toolkit's checkpoint file format, version 1. All integers are big-endian (Java's DataOutput), floats
 * are IEEE 754 binary32, little-endian (NumPy's {@code '<f4'}):
 * <pre>
 *   magic        8 bytes  "MLTKCKPT"
 *   version      int32    1
 *   header       int32 byte length, then UTF-8 JSON: names, model spec, epoch, seed, best, metrics history,
 *                plugins, the run's configuration
 *   3 sections   "model", "optimizer", "best_model"; each: int32 tensor count, then per tensor:
 *                name (DataOutput UTF), int32 rank, int64 dims[rank], float32 data[product of dims]
 *   end marker   8 bytes  "MLTKEND."
 *   checksum     int64    CRC32 of every byte before it
 * </pre>
 * Files are replaced atomically ({@link AtomicFiles}). Reading makes two passes: the first checks the structure,
 * every declared length against the bytes left in the file, the end marker and the checksum while holding one chunk
 * of tensor data at a time; only then does the second allocate the tensors and check that the parts agree. Either
 * names the file in a one-line {@link CheckpointFormatException} when anything is off.
 *
 * <p>The metrics of each epoch are in {@code epoch_metrics}, every recorded metric by name. The header also keeps
 * {@code history}, the same rows cut to the metrics the first versions recorded ({@link #FIRST_METRICS}), because
 * those versions read it and refuse a name they do not know: so a checkpoint with newer metrics still reads there.
 * A header without {@code epoch_metrics} (from those versions) is read from {@code history}.
 */
public final class CheckpointFile {
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = "MLTKCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "MLTKEND.".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> SECTIONS = List.of("model", "optimizer", "best_model");
    private static final int MAX_HEADER_BYTES = 64 << 20;
    private static final int MAX_RANK = 8;
    private static final int CHUNK_FLOATS = 1 << 14;
    /** The end marker and the checksum that follow the tensors. */
    private static final int TRAILER_BYTES = 8 + Long.BYTES;
    /** Largest float array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;
    /** The metrics the first versions recorded and, in {@code history}, the only ones they accept. */
    static final List<String> FIRST_METRICS = List.of(
            "train_loss",
            "train_accuracy",
            "param_norm",
            "grad_norm",
            "valid_loss",
            "valid_accuracy",
            "lr",
            "seconds",
            "valid_seconds");

    private static final ObjectMapper JSON =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private CheckpointFile() {}

    /**
     * Writes {@code checkpoint} to {@code file}, replacing any previous file atomically. Throws ToolkitException
     * naming the file if it cannot be written, and rethrows what reading the checkpoint's maps throws; in both
     * cases the previous file is intact.
     */
    public static void write(Path file, Checkpoint checkpoint) {
        AtomicFiles.write(file, raw -> write(raw, checkpoint));
    }

    /**
     * Writes {@code checkpoint} in this format to {@code raw}, which stays open (for a checkpoint kept inside
     * another file, such as an ensemble). Throws IOException when {@code raw} does, IllegalArgumentException when
     * the configuration is not JSON.
     */
    public static void write(java.io.OutputStream raw, Checkpoint checkpoint) throws IOException {
        byte[] header = header(checkpoint);
        CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(header.length);
        out.write(header);
        writeSection(out, SECTIONS.get(0), checkpoint.modelState());
        writeSection(out, SECTIONS.get(1), checkpoint.optimizerState());
        writeSection(out, SECTIONS.get(2), checkpoint.bestModelState());
        out.write(END);
        out.flush();
        long crc = checked.getChecksum().getValue();
        new DataOutputStream(raw).writeLong(crc);
    }

    /**
     * Reads a checkpoint held in {@code bytes} (kept inside another file); {@code name} names it in errors. Throws
     * CheckpointFormatException as {@link #read(Path)} does.
     */
    public static Checkpoint read(byte[] bytes, Path name) {
        try {
            read(new java.io.ByteArrayInputStream(bytes), bytes.length, name, false);
            return read(new java.io.ByteArrayInputStream(bytes), bytes.length, name, true);
        } catch (IOException e) {
            throw new CheckpointFormatException(name, "cannot read the checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a checkpoint. Throws CheckpointFormatException naming {@code file} if it is missing, not a
     * checkpoint, of an unknown version, truncated or corrupt.
     */
    public static Checkpoint read(Path file) {
        long size = sizeOf(file, "checkpoint");
        // The first pass checks the structure, every declared size and the checksum without keeping a tensor; only
        // a file found whole is read again into memory, so a lying header cannot make the reader allocate.
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            read(raw, size, file, false);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "cannot read the checkpoint: " + e.getMessage(), e);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(raw, size, file, true);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "cannot read the checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * The size in bytes of {@code file}, a {@code kind} of toolkit file ("checkpoint", "ensemble"). Throws
     * CheckpointFormatException naming the file when it does not exist or cannot be read.
     */
    public static long sizeOf(Path file, String kind) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(file, "no such " + kind + " file", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "cannot read the " + kind + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a checkpoint of {@code size} bytes from {@code raw}, naming {@code file} in every error. With {@code
     * keep} false it only checks: the structure, every size against the bytes left, the end marker and the checksum,
     * holding one chunk of tensor data at a time, and returns null.
     */
    private static Checkpoint read(InputStream raw, long size, Path file, boolean keep) throws IOException {
        try {
            CheckedInputStream checked = new CheckedInputStream(raw, new CRC32());
            CountingInputStream counted = new CountingInputStream(checked);
            DataInputStream in = new DataInputStream(counted);
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointFormatException(file, "not a toolkit checkpoint (wrong magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointFormatException(
                        file,
                        "checkpoint format version " + version + " is not supported; this toolkit reads version "
                                + VERSION);
            }
            int headerLength = in.readInt();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new CheckpointFormatException(file, "corrupt checkpoint (header length " + headerLength + ")");
            }
            if (headerLength > size) {
                throw new CheckpointFormatException(
                        file,
                        "truncated or corrupt checkpoint (a header of " + headerLength + " bytes in a file of " + size
                                + " bytes)");
            }
            byte[] header = new byte[headerLength];
            in.readFully(header);
            Map<String, Map<String, Tensor>> sections = new LinkedHashMap<>();
            for (String expected : SECTIONS) {
                String name = in.readUTF();
                if (!name.equals(expected)) {
                    throw new CheckpointFormatException(
                            file, "corrupt checkpoint (section '" + name + "' where '" + expected + "' belongs)");
                }
                sections.put(name, readSection(file, in, size - TRAILER_BYTES, counted, keep));
            }
            byte[] end = new byte[END.length];
            in.readFully(end);
            if (!Arrays.equals(end, END)) {
                throw new CheckpointFormatException(file, "corrupt checkpoint (no end marker after the tensors)");
            }
            long computed = checked.getChecksum().getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != computed) {
                throw new CheckpointFormatException(
                        file, String.format("corrupt checkpoint (CRC32 %08x stored, %08x computed)", stored, computed));
            }
            if (raw.read() != -1) {
                throw new CheckpointFormatException(file, "corrupt checkpoint (data after the checksum)");
            }
            return keep ? fromHeader(file, header, sections) : null;
        } catch (EOFException e) {
            throw new CheckpointFormatException(
                    file,
                    "truncated checkpoint (the file of " + size + " bytes ends early; it was not written completely)",
                    e);
        }
    }

    private static void writeSection(DataOutputStream out, String name, Map<String, Tensor> tensors)
            throws IOException {
        out.writeUTF(name);
        out.writeInt(tensors.size());
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            Tensor tensor = entry.getValue();
            out.writeUTF(entry.getKey());
            out.writeInt(tensor.shape().length);
            for (long d : tensor.shape()) {
                out.writeLong(d);
            }
            float[] data = tensor.data();
            for (int offset = 0; offset < data.length; offset += CHUNK_FLOATS) {
                int n = Math.min(CHUNK_FLOATS, data.length - offset);
                buffer.clear();
                buffer.asFloatBuffer().put(data, offset, n);
                out.write(buffer.array(), 0, n * Float.BYTES);
            }
        }
    }

    /**
     * Reads one section's tensors (kept only when {@code keep}), checking each declared shape against the bytes left
     * before {@code end}, the offset where the tensors must have ended, and against what one array can hold.
     */
    private static Map<String, Tensor> readSection(
            Path file, DataInputStream in, long end, CountingInputStream position, boolean keep) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > end - position.count()) {
            throw new CheckpointFormatException(file, "corrupt checkpoint (tensor count " + count + ")");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        byte[] bytes = new byte[CHUNK_FLOATS * Float.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = 0; t < count; t++) {
            String name = in.readUTF();
            int rank = in.readInt();
            if (rank < 0 || rank > MAX_RANK) {
                throw new CheckpointFormatException(
                        file, "corrupt checkpoint (tensor '" + name + "' has rank " + rank + ")");
            }
            long[] shape = new long[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = in.readLong();
            }
            long elements = declaredElements(file, name, shape, end - position.count());
            float[] data = keep ? new float[(int) elements] : null;
            for (long offset = 0; offset < elements; offset += CHUNK_FLOATS) {
                int n = (int) Math.min(CHUNK_FLOATS, elements - offset);
                in.readFully(bytes, 0, n * Float.BYTES);
                if (keep) {
                    buffer.clear();
                    buffer.asFloatBuffer().get(data, (int) offset, n);
                }
            }
            if (!names.add(name)) {
                throw new CheckpointFormatException(file, "corrupt checkpoint (tensor '" + name + "' appears twice)");
            }
            if (keep) {
                tensors.put(name, new Tensor(shape, data));
            }
        }
        return tensors;
    }

    /**
     * The number of floats a tensor of {@code shape} holds, checked against the {@code left} bytes the file has
     * left for it and against the largest array; throws CheckpointFormatException naming the file and the tensor.
     */
    private static long declaredElements(Path file, String name, long[] shape, long left) {
        long elements = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new CheckpointFormatException(
                        file, "corrupt checkpoint (tensor '" + name + "' has dimension " + d + ")");
            }
            if (d != 0 && elements > left / Float.BYTES / d) {
                throw new CheckpointFormatException(
                        file,
                        "truncated checkpoint (tensor '" + name + "' of shape " + Arrays.toString(shape)
                                + " needs more than the " + Math.max(0, left)
                                + " bytes left in the file; it was cut short or its header is corrupt)");
            }
            elements *= d;
        }
        if (elements > MAX_ARRAY) {
            throw new CheckpointFormatException(
                    file,
                    "corrupt checkpoint (tensor '" + name + "' of shape " + Arrays.toString(shape) + " holds "
                            + elements + " floats, more than one array can hold)");
        }
        return elements;
    }

    /** Counts the bytes read through it, so that every declared size can be checked against the bytes left. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    private static byte[] header(Checkpoint c) {
        ObjectNode h = JSON.createObjectNode();
        h.put("format", "mltoolkit-checkpoint");
        h.put("model", c.modelName());
        h.put("trainer", c.trainerName());
        h.put("dataset", c.datasetName());
        ObjectNode spec = h.putObject("model_spec");
        ExampleShape shape = c.modelSpec().inputShape();
        spec.putArray("input_shape").add(shape.channels()).add(shape.height()).add(shape.width());
        spec.put("num_classes", c.modelSpec().numClasses());
        spec.put("seed", c.modelSpec().seed());
        spec.put("device", c.modelSpec().device().toString());
        spec.put("threads", c.modelSpec().threads());
        ObjectNode options = spec.putObject("options");
        c.modelSpec().options().asMap().forEach(options::put);
        h.put("epoch", c.epoch());
        h.put("seed", c.seed());
        h.put("best_epoch", c.bestEpoch());
        h.put("best_valid_loss", c.bestValidLoss());
        h.set("epoch_metrics", JSON.valueToTree(c.history()));
        h.set(
                "history",
                JSON.valueToTree(
                        c.history().stream().map(CheckpointFile::firstMetrics).toList()));
        ObjectNode plugins = h.putObject("plugins");
        new java.util.TreeMap<>(c.plugins()).forEach(plugins::put);
        try {
            h.set("config", JSON.readTree(c.configJson()));
            return JSON.writeValueAsBytes(h);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the configuration is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Checkpoint fromHeader(Path file, byte[] bytes, Map<String, Map<String, Tensor>> sections) {
        try {
            JsonNode h = JSON.readTree(bytes);
            JsonNode spec = required(file, h, "model_spec");
            JsonNode shape = required(file, spec, "input_shape");
            Map<String, String> options = new LinkedHashMap<>();
            required(file, spec, "options")
                    .properties()
                    .forEach(e -> options.put(e.getKey(), e.getValue().asText()));
            ModelSpec modelSpec = new ModelSpec(
                    new ExampleShape(
                            shape.get(0).asInt(),
                            shape.get(1).asInt(),
                            shape.get(2).asInt()),
                    required(file, spec, "num_classes").asInt(),
                    required(file, spec, "seed").asLong(),
                    Device.parse(required(file, spec, "device").asText()),
                    required(file, spec, "threads").asInt(),
                    new PluginOptions(options));
            JsonNode rows = h.has("epoch_metrics") ? h.get("epoch_metrics") : required(file, h, "history");
            List<EpochMetrics> history = Arrays.asList(JSON.treeToValue(rows, EpochMetrics[].class));
            Map<String, String> plugins = new LinkedHashMap<>();
            required(file, h, "plugins")
                    .properties()
                    .forEach(e -> plugins.put(e.getKey(), e.getValue().asText()));
            Checkpoint checkpoint = new Checkpoint(
                    required(file, h, "model").asText(),
                    required(file, h, "trainer").asText(),
                    required(file, h, "dataset").asText(),
                    modelSpec,
                    required(file, h, "epoch").asInt(),
                    required(file, h, "seed").asLong(),
                    required(file, h, "best_epoch").asInt(),
                    required(file, h, "best_valid_loss").asDouble(),
                    history,
                    JSON.writeValueAsString(required(file, h, "config")),
                    plugins,
                    sections.get("model"),
                    sections.get("optimizer"),
                    sections.get("best_model"));
            checkConsistent(file, checkpoint);
            return checkpoint;
        } catch (IOException | RuntimeException e) {
            if (e instanceof CheckpointFormatException cfe) {
                throw cfe;
            }
            throw new CheckpointFormatException(file, "corrupt checkpoint header: " + oneLine(e.getMessage()), e);
        }
    }

    /**
     * Checks what the header and the sections say of each other, so that a checkpoint that cannot be resumed or
     * evaluated is refused when it is read rather than after an epoch of training: one history row per epoch done,
     * numbered from 1, a best epoch among them, weights in the model section, and best weights (when present) with
     * the model's names and shapes. Throws CheckpointFormatException naming {@code file} and the first
     * disagreement.
     */
    private static void checkConsistent(Path file, Checkpoint c) {
        List<EpochMetrics> history = c.history();
        if (history.size() != c.epoch()) {
            throw new CheckpointFormatException(
                    file,
                    "inconsistent checkpoint (a history of " + history.size() + " epochs for epoch " + c.epoch() + ")");
        }
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).epoch() != i + 1) {
                throw new CheckpointFormatException(
                        file,
                        "inconsistent checkpoint (history row " + (i + 1) + " is epoch "
                                + history.get(i).epoch() + ")");
            }
        }
        if (c.modelState().isEmpty()) {
            throw new CheckpointFormatException(file, "inconsistent checkpoint (no weights in section 'model')");
        }
        Map<String, Tensor> best = c.bestModelState();
        if (best.isEmpty()) {
            return;
        }
        if (!best.keySet().equals(c.modelState().keySet())) {
            throw new CheckpointFormatException(
                    file,
                    "inconsistent checkpoint (section 'best_model' holds " + best.keySet()
                            + " but section 'model' holds " + c.modelState().keySet() + ")");
        }
        for (Map.Entry<String, Tensor> entry : best.entrySet()) {
            long[] expected = c.modelState().get(entry.getKey()).shape();
            if (!Arrays.equals(entry.getValue().shape(), expected)) {
                throw new CheckpointFormatException(
                        file,
                        "inconsistent checkpoint (best weights '" + entry.getKey() + "' of shape "
                                + Arrays.toString(entry.getValue().shape()) + " where the model's are "
                                + Arrays.toString(expected) + ")");
            }
        }
    }

    private static EpochMetrics firstMetrics(EpochMetrics row) {
        Map<String, Double> values = new LinkedHashMap<>(row.values());
        values.keySet().retainAll(FIRST_METRICS);
        return new EpochMetrics(row.epoch(), values);
    }

    private static JsonNode required(Path file, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new CheckpointFormatException(file, "corrupt checkpoint header: no '" + field + "'");
        }
        return value;
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
