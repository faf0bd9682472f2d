package org.mltoolkit.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mltoolkit.api.Device;
import org.mltoolkit.api.ExampleShape;
import org.mltoolkit.api.ModelSpec;
import org.mltoolkit.api.PluginOptions;
import org.mltoolkit.api.Tensor;
import org.mltoolkit.core.engine.EpochMetrics;
import org.mltoolkit.core.testing.Checkpoints;

class CheckpointFileTest {
    @TempDir
    Path dir;

    /** A row with the values of the metrics every version has recorded, in their order. */
    static EpochMetrics row(int epoch, double... values) {
        Map<String, Double> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(CheckpointFile.FIRST_METRICS.get(i), values[i]);
        }
        return new EpochMetrics(epoch, row);
    }

    static Checkpoint sample(int epoch, float scale, Map<String, Tensor> modelState) {
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        optimizer.put("step", Tensor.scalar(12));
        optimizer.put("m.w", Tensor.copyOf(new float[] {scale, -scale, 0.25f}, 3));
        Map<String, Tensor> best = weights(0.5f);
        float[] bestW = best.get("w").data();
        float[] special = {Float.MIN_VALUE, Float.MAX_VALUE, -0.0f, 1e-30f, 7, 8};
        System.arraycopy(special, 0, bestW, 0, special.length);
        List<EpochMetrics> history = List.of(
                        row(1, 0.9, 0.6, 12.5, 0.3, 0.8, 0.7, 1e-3, 1.25, 0.1),
                        row(2, 0.1 + 0.2, 1.0 / 3, Math.PI, Math.E, 0.85, 0.69, 5e-4, 1.5, 0.2))
                .subList(0, epoch);
        return new Checkpoint(
                "softmax",
                "softmax-trainer",
                "synthetic",
                new ModelSpec(
                        new ExampleShape(1, 2, 3),
                        4,
                        99,
                        Device.parse("cuda:1"),
                        3,
                        new PluginOptions(Map.of("hidden", "500,400"))),
                epoch,
                42,
                1,
                0.8,
                history,
                "{\"epochs\":3,\"seed\":42}",
                Map.of("test-plugin", "1.2.3"),
                modelState,
                optimizer,
                best);
    }

    static Map<String, Tensor> weights(float scale) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        float[] w = new float[40_000];
        for (int i = 0; i < w.length; i++) {
            w[i] = scale * (float) Math.sin(i);
        }
        state.put("w", new Tensor(new long[] {200, 200}, w));
        state.put("b", Tensor.copyOf(new float[] {scale}, 1));
        return state;
    }

    @Test
    void everyFieldSurvivesARoundTripBitForBit() {
        Path file = dir.resolve("a.ckpt");
        Checkpoint written = sample(2, 1.5f, weights(1.5f));
        CheckpointFile.write(file, written);
        Checkpoint read = CheckpointFile.read(file);
        assertEquals(written.modelName(), read.modelName());
        assertEquals(written.trainerName(), read.trainerName());
        assertEquals(written.datasetName(), read.datasetName());
        assertEquals(written.modelSpec(), read.modelSpec());
        assertEquals(2, read.epoch());
        assertEquals(42, read.seed());
        assertEquals(1, read.bestEpoch());
        assertEquals(0.8, read.bestValidLoss());
        assertEquals(written.history(), read.history());
        assertEquals(written.plugins(), read.plugins());
        assertEquals(written.modelState(), read.modelState());
        assertEquals(List.of("w", "b"), List.copyOf(read.modelState().keySet()), "order is kept");
        assertEquals(written.optimizerState(), read.optimizerState());
        assertEquals(written.bestModelState(), read.bestModelState());
        assertTrue(read.configJson().contains("\"epochs\":3"), read.configJson());
        assertArrayEquals(new long[0], read.optimizerState().get("step").shape());
    }

    /** A row of {@code history} as the first versions read it: these fields and no other. */
    record FirstVersionRow(
            int epoch,
            double trainLoss,
            double trainAccuracy,
            double paramNorm,
            double gradNorm,
            double validLoss,
            double validAccuracy,
            double lr,
            double seconds,
            double validSeconds) {}

    @Test
    void metricsTheFirstVersionsDidNotRecordStayReadableForThemAndForThisVersion() throws IOException {
        Path file = dir.resolve("more.ckpt");
        Checkpoint plain = sample(2, 1.5f, weights(1.5f));
        List<EpochMetrics> history = plain.history().stream()
                .map(m -> {
                    Map<String, Double> values = new LinkedHashMap<>(m.values());
                    values.put("train_images_per_second", 1234.5 * m.epoch());
                    return new EpochMetrics(m.epoch(), values);
                })
                .toList();
        Checkpoint written = Checkpoints.with(plain, history, plain.configJson(), plain.bestModelState());
        CheckpointFile.write(file, written);

        assertEquals(history, CheckpointFile.read(file).history());
        ObjectMapper strict = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        FirstVersionRow[] firstVersion = strict.treeToValue(header(file).get("history"), FirstVersionRow[].class);
        assertEquals(2, firstVersion.length);
        assertEquals(history.get(1).value("valid_loss"), firstVersion[1].validLoss());
        assertEquals(history.get(1).value("valid_seconds"), firstVersion[1].validSeconds());
    }

    @Test
    void aHeaderOfTheFirstVersionsWithoutEpochMetricsReadsItsHistory() throws IOException {
        Path file = dir.resolve("first.ckpt");
        CheckpointFile.write(file, sample(2, 1.5f, weights(1.5f)));
        ObjectNode header = header(file);
        header.remove("epoch_metrics");
        rewriteHeader(file, header);
        assertEquals(
                sample(2, 1.5f, weights(1.5f)).history(),
                CheckpointFile.read(file).history());
    }

    /** The JSON header of a checkpoint file (after the magic, the version and the header's length). */
    private static ObjectNode header(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        int length = bytes.getInt(12);
        return (ObjectNode) new ObjectMapper().readTree(Arrays.copyOfRange(bytes.array(), 16, 16 + length));
    }

    /** Replaces a checkpoint's header with {@code header}, keeping its tensors and fixing the checksum. */
    private static void rewriteHeader(Path file, ObjectNode header) throws IOException {
        byte[] old = Files.readAllBytes(file);
        int length = ByteBuffer.wrap(old).getInt(12);
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(old.length - length + json.length);
        out.put(old, 0, 12).putInt(json.length).put(json);
        out.put(old, 16 + length, old.length - 16 - length - Long.BYTES);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());
        Files.write(file, out.array());
    }

    @Test
    void aHistoryShorterThanItsEpochsIsRefusedWhenReadNamingTheFile() throws IOException {
        Path file = dir.resolve("short-history.ckpt");
        CheckpointFile.write(file, sample(2, 1, weights(1)));
        ObjectNode header = header(file);
        header.put("best_epoch", 2);
        ((com.fasterxml.jackson.databind.node.ArrayNode) header.get("epoch_metrics")).remove(1);
        rewriteHeader(file, header);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file));
        assertEquals(file + ": inconsistent checkpoint (a history of 1 epochs for epoch 2)", e.getMessage());

        header.put("epoch", 1);
        header.put("best_epoch", 1);
        ((ObjectNode) header.get("epoch_metrics").get(0)).put("epoch", 4);
        rewriteHeader(file, header);
        e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file));
        assertEquals(file + ": inconsistent checkpoint (history row 1 is epoch 4)", e.getMessage());
    }

    @Test
    void bestWeightsThatAreNotTheModelsAreRefusedWhenReadNamingTheFile() {
        Checkpoint good = sample(2, 1, weights(1));
        Path renamed = dir.resolve("renamed.ckpt");
        Map<String, Tensor> wrongNames = new LinkedHashMap<>();
        wrongNames.put("w", good.bestModelState().get("w"));
        wrongNames.put("bias", good.bestModelState().get("b"));
        CheckpointFile.write(renamed, Checkpoints.with(good, good.history(), good.configJson(), wrongNames));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(renamed));
        assertEquals(
                renamed + ": inconsistent checkpoint (section 'best_model' holds [w, bias] but section 'model' holds"
                        + " [w, b])",
                e.getMessage());

        Path reshaped = dir.resolve("reshaped.ckpt");
        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good.bestModelState());
        wrongShape.put("w", Tensor.copyOf(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        CheckpointFile.write(reshaped, Checkpoints.with(good, good.history(), good.configJson(), wrongShape));
        e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(reshaped));
        assertEquals(
                reshaped + ": inconsistent checkpoint (best weights 'w' of shape [2, 3] where the model's are"
                        + " [200, 200])",
                e.getMessage());
    }

    @Test
    void everyTruncationIsReportedInOneLineNamingTheFile() throws IOException {
        Path file = dir.resolve("t.ckpt");
        CheckpointFile.write(file, sample(2, 1, weights(1)));
        byte[] bytes = Files.readAllBytes(file);
        for (int length : new int[] {0, 5, 12, 20, 300, bytes.length / 2, bytes.length - 9, bytes.length - 1}) {
            Path cut = dir.resolve("cut-" + length + ".ckpt");
            Files.write(cut, java.util.Arrays.copyOf(bytes, length));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(cut));
            assertTrue(e.getMessage().startsWith(cut.toString() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("truncated") || length < 8, length + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void theChecksumIsCheckedBeforeAnyTensorIsAllocated() throws IOException {
        Path file = dir.resolve("big.ckpt");
        int floats = 16 << 20; // 64 MB of weights
        Map<String, Tensor> big = new LinkedHashMap<>();
        big.put("w", new Tensor(new long[] {floats}, new float[floats]));
        CheckpointFile.write(
                file, Checkpoints.with(sample(1, 1, big), sample(1, 1, big).history(), "{}", Map.of()));
        big = null;
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[Long.BYTES]), channel.size() - Long.BYTES);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(e.getMessage().contains("CRC32"), e.getMessage());
        assertTrue(allocated < 8 << 20, "reading a corrupt 64 MB checkpoint allocated " + allocated + " bytes");
    }

    @Test
    void aTensorLargerThanTheBytesLeftInTheFileIsRefusedBeforeItIsAllocated() throws IOException {
        Path file = dir.resolve("lying.ckpt");
        CheckpointFile.write(file, sample(1, 1, weights(1)));
        byte[] bytes = Files.readAllBytes(file);
        // The model section's first tensor, 'w' of shape [200, 200]: declare [200, 200000] instead.
        int shapeAt = indexOf(bytes, new byte[] {0, 1, 'w', 0, 0, 0, 2}) + 7;
        ByteBuffer.wrap(bytes).putLong(shapeAt + Long.BYTES, 200_000);
        Files.write(file, bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file));
        assertTrue(
                e.getMessage()
                        .startsWith(file + ": truncated checkpoint (tensor 'w' of shape [200, 200000]"
                                + " needs more than the "),
                e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aFlippedBitIsCaughtByTheChecksum() throws IOException {
        Path file = dir.resolve("c.ckpt");
        CheckpointFile.write(file, sample(2, 1, weights(1)));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5000] ^= 0x10;
        Files.write(file, bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("CRC32"), e.getMessage());
    }

    @Test
    void extraBytesAfterTheChecksumAreCorruption() throws IOException {
        Path file = dir.resolve("x.ckpt");
        CheckpointFile.write(file, sample(2, 1, weights(1)));
        Files.write(file, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(file));
    }

    @Test
    void otherFilesAndMissingFilesGetClearErrors() throws IOException {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a checkpoint at all");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(text));
        assertEquals(text + ": not a toolkit checkpoint (wrong magic number)", e.getMessage());
        Path missing = dir.resolve("missing.ckpt");
        e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.read(missing));
        assertEquals(missing + ": no such checkpoint file", e.getMessage());
    }

    @Test
    void aCrashInTheMiddleOfAWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("best.ckpt");
        Checkpoint good = sample(1, 1, weights(1));
        CheckpointFile.write(file, good);
        byte[] before = Files.readAllBytes(file);

        Checkpoint failing = sample(2, 2, new ThrowingAfterFirst(weights(2)));
        IllegalStateException crash =
                assertThrows(IllegalStateException.class, () -> CheckpointFile.write(file, failing));
        assertEquals("simulated crash", crash.getMessage());

        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(good.modelState(), CheckpointFile.read(file).modelState());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void temporaryFilesLeftByAKilledWriterAreRemovedOnRequestAndOthersKept() throws IOException {
        Path file = dir.resolve("last.ckpt");
        Files.writeString(dir.resolve(".last.ckpt.3bl1mq8l4g640.tmp"), "partial");
        Files.writeString(dir.resolve(".best.ckpt.3bl1mq8l4g640.tmp"), "another file's");
        Files.writeString(dir.resolve(".last.ckpt.notes"), "not a temporary file");
        assertEquals(1, AtomicFiles.removeLeftovers(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(".best.ckpt.3bl1mq8l4g640.tmp", ".last.ckpt.notes"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anUnwritableDirectoryIsReportedNamingTheFile() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where a directory should be");
        Path file = blocker.resolve("best.ckpt");
        var e = assertThrows(
                org.mltoolkit.api.ToolkitException.class, () -> CheckpointFile.write(file, sample(1, 1, weights(1))));
        assertTrue(e.getMessage().startsWith("cannot write " + file), e.getMessage());
    }

    /** A state that fails after its first tensor has been written, as a crash in the middle of a write. */
    static final class ThrowingAfterFirst extends AbstractMap<String, Tensor> {
        private final Map<String, Tensor> delegate;

        ThrowingAfterFirst(Map<String, Tensor> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Set<Entry<String, Tensor>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Tensor>> iterator() {
                    Iterator<Entry<String, Tensor>> inner = delegate.entrySet().iterator();
                    return new Iterator<>() {
                        private boolean first = true;

                        @Override
                        public boolean hasNext() {
                            return inner.hasNext();
                        }

                        @Override
                        public Entry<String, Tensor> next() {
                            if (!first) {
                                throw new IllegalStateException("simulated crash");
                            }
                            first = false;
                            return inner.next();
                        }
                    };
                }

                @Override
                public int size() {
                    return delegate.size();
                }
            };
        }
    }
}
