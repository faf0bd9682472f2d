package org.mltoolkit.core.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.mltoolkit.api.ToolkitException;
import org.mltoolkit.core.checkpoint.AtomicFiles;
import org.mltoolkit.core.checkpoint.Checkpoint;
import org.mltoolkit.core.checkpoint.CheckpointFile;
import org.mltoolkit.core.checkpoint.CheckpointFormatException;

/**
 * The toolkit's ensemble file ({@code .ens}), version 1: every member's checkpoint embedded, so that the file alone
 * is the model. Integers are big-endian:
 * <pre>
 *   magic        8 bytes  "MLTKENSM"
 *   version      int32    1
 *   header       int32 byte length, then UTF-8 JSON: format, combine ("mean_probability"), dataset, input_shape,
 *                num_classes, members [{name, model, source (the file it was made from, as given), source_sha256,
 *                epoch, bytes, sha256}]
 *   members      per member, in header order: int64 length, then a checkpoint file (the toolkit's checkpoint
 *                format, with the member's weights and without optimizer state)
 *   end marker   8 bytes  "MLTKEND."
 *   checksum     int64    CRC32 of every byte before it
 * </pre>
 * Each member's bytes are also checked against the SHA-256 in the header. Written atomically; a damaged file is
 * refused with one line naming it.
 */
public final class EnsembleFile {
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    /** How the members' outputs are combined: the mean of their probabilities. */
    public static final String COMBINE = "mean_probability";

    private static final byte[] MAGIC = "MLTKENSM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "MLTKEND.".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER_BYTES = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EnsembleFile() {}

    /**
     * One member: its name in the ensemble, the file it came from (as given, for the record) with that file's
     * SHA-256, and its checkpoint.
     */
    public record Member(String name, String source, String sourceSha256, Checkpoint checkpoint) {}

    /** Whether {@code file} starts like an ensemble file (it may still be damaged); false when it cannot be read. */
    public static boolean isEnsemble(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code members} to {@code file}, replacing it atomically. Each member's checkpoint is stored without its
     * optimizer state and best-epoch copy: its own weights are what the ensemble runs. Throws ToolkitException
     * naming the file if it cannot be written; the previous file, if any, is then intact.
     */
    public static void write(Path file, List<Member> members) {
        List<byte[]> blobs = new ArrayList<>();
        for (Member m : members) {
            Checkpoint weightsOnly = m.checkpoint().weightsOnly();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                CheckpointFile.write(bytes, weightsOnly);
            } catch (IOException e) {
                throw new ToolkitException(file + ": cannot encode member '" + m.name() + "': " + e.getMessage(), e);
            }
            blobs.add(bytes.toByteArray());
        }
        byte[] header = header(members, blobs);
        AtomicFiles.write(file, raw -> {
            CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(header.length);
            out.write(header);
            for (byte[] blob : blobs) {
                out.writeLong(blob.length);
                out.write(blob);
            }
            out.write(END);
            out.flush();
            new DataOutputStream(raw).writeLong(checked.getChecksum().getValue());
        });
    }

    /**
     * Reads the members of an ensemble file. Throws CheckpointFormatException naming {@code file} when it is
     * missing, not an ensemble, of another version, truncated or damaged (checksum, a member's SHA-256, a member's
     * checkpoint).
     */
    public static List<Member> read(Path file) {
        long size = CheckpointFile.sizeOf(file, "ensemble");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CheckedInputStream checked = new CheckedInputStream(raw, new CRC32());
            DataInputStream in = new DataInputStream(checked);
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointFormatException(file, "not a toolkit ensemble (wrong magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointFormatException(
                        file,
                        "ensemble format version " + version + " is not supported; this toolkit reads " + VERSION);
            }
            int headerLength = in.readInt();
            if (headerLength < 2 || headerLength > Math.min(size, MAX_HEADER_BYTES)) {
                throw new CheckpointFormatException(file, "corrupt ensemble (header length " + headerLength + ")");
            }
            JsonNode header = JSON.readTree(in.readNBytes(headerLength));
            JsonNode entries = header.get("members");
            if (entries == null || !entries.isArray() || entries.isEmpty()) {
                throw new CheckpointFormatException(file, "corrupt ensemble header: no members");
            }
            List<Member> members = new ArrayList<>();
            for (JsonNode entry : entries) {
                String name = entry.path("name").asText();
                long length = in.readLong();
                if (length < 0 || length > size) {
                    throw new CheckpointFormatException(
                            file, "corrupt ensemble (member '" + name + "' of " + length + " bytes)");
                }
                byte[] blob = in.readNBytes((int) length);
                if (blob.length != length) {
                    throw new EOFException();
                }
                if (!sha256(blob).equals(entry.path("sha256").asText())) {
                    throw new CheckpointFormatException(
                            file, "corrupt ensemble (member '" + name + "' does not match its SHA-256)");
                }
                Checkpoint checkpoint = CheckpointFile.read(blob, Path.of(file + "#" + name));
                members.add(new Member(
                        name,
                        entry.path("source").asText(),
                        entry.path("source_sha256").asText(),
                        checkpoint));
            }
            byte[] end = in.readNBytes(END.length);
            if (!Arrays.equals(end, END)) {
                throw new CheckpointFormatException(file, "corrupt ensemble (no end marker after the members)");
            }
            long computed = checked.getChecksum().getValue();
            long stored = new DataInputStream(raw).readLong();
            if (stored != computed) {
                throw new CheckpointFormatException(
                        file, String.format("corrupt ensemble (CRC32 %08x stored, %08x computed)", stored, computed));
            }
            return members;
        } catch (EOFException e) {
            throw new CheckpointFormatException(
                    file, "truncated ensemble (the file of " + size + " bytes ends early)", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "cannot read the ensemble: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of a file's bytes, in lower-case hex. Throws ToolkitException naming the file if unreadable. */
    public static String sha256(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ToolkitException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] header(List<Member> members, List<byte[]> blobs) {
        Checkpoint first = members.get(0).checkpoint();
        ObjectNode h = JSON.createObjectNode();
        h.put("format", "mltoolkit-ensemble");
        h.put("combine", COMBINE);
        h.put("dataset", first.datasetName());
        var shape = first.modelSpec().inputShape();
        h.putArray("input_shape").add(shape.channels()).add(shape.height()).add(shape.width());
        h.put("num_classes", first.modelSpec().numClasses());
        ArrayNode list = h.putArray("members");
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            list.addObject()
                    .put("name", m.name())
                    .put("model", m.checkpoint().modelName())
                    .put("source", m.source())
                    .put("source_sha256", m.sourceSha256())
                    .put("epoch", m.checkpoint().epoch())
                    .put("bytes", blobs.get(i).length)
                    .put("sha256", sha256(blobs.get(i)));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(h);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
